#!/usr/bin/env python3
"""Build kernels/*.cu for every dtype as host C++ into one shared library for CPU tests.

Usage: python3 kernels/hosttest/build.py [OUT.so]  (default .cache/hosttest/libdaemu.so)
Needs g++ (C++17). Uses the CUDA emulator's pieces (kernels/emu: shim.h, runtime.cpp,
module_table.h), built the way build.rs builds them for the `emulator` cargo feature: each
family x dtype is its own translation unit, like the NVRTC modules, and a generated registry lists
them. launcher.cpp adds the C entry point test_kernels.py calls.
"""
import glob, os, re, subprocess, sys
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
KDIR = os.path.dirname(HERE)
EMU = os.path.join(KDIR, "emu")
ROOT = os.path.dirname(KDIR)
ALL = ["bool", "u8", "u16", "u32", "u64", "i8", "i16", "i32", "i64", "f16", "bf16", "f32", "f64"]
CXX = os.environ.get("CXX", "g++")
FLAGS = ["-std=c++17", "-O1", "-fPIC", "-w", "-fno-fast-math", "-ffp-contract=off", "-fno-strict-aliasing"]


def tags(path):
    for line in open(path):
        m = re.match(r"\s*//\s*da-dtypes:\s*(.*)", line)
        if m:
            t = m.group(1).split()
            return ALL if t == ["all"] else t
    return ALL


def write_if_changed(path, text):
    if not os.path.exists(path) or open(path).read() != text:
        with open(path, "w") as f:
            f.write(text)


def sources(gendir):
    """(source, extra dependencies) of every translation unit; writes the generated ones."""
    units = [(os.path.join(EMU, "runtime.cpp"), []), (os.path.join(HERE, "launcher.cpp"), [])]
    modules = []
    for f in sorted(os.listdir(KDIR)):
        if not f.endswith(".cu"):
            continue
        fam = f[:-3]
        for t in tags(os.path.join(KDIR, f)):
            fn = "da_emu_module_%s_%s" % (fam, t)
            wrapper = os.path.join(gendir, "%s_%s.cpp" % (fam, t))
            write_if_changed(wrapper, '#define DA_DTYPE_%s 1\n#include "emu/shim.h"\n#include "%s"\n'
                             '#define DA_EMU_MODULE_FN %s\n#include "emu/module_table.h"\n' % (t.upper(), f, fn))
            units.append((wrapper, [os.path.join(KDIR, f)]))
            modules.append((fam, t, fn))
    reg = ['#include "emu/shim.h"']
    reg += ['extern "C" const da_emu_kernel* const* %s(unsigned int*);' % fn for _, _, fn in modules]
    reg.append("static const da_emu_module da_emu_all[] = {")
    reg += ['    {"%s", "%s", &%s},' % m for m in modules]
    reg.append("};")
    reg.append('extern "C" const da_emu_module* da_emu_modules(unsigned int* n) {')
    reg.append("    *n = (unsigned int)(sizeof da_emu_all / sizeof da_emu_all[0]);\n    return da_emu_all;\n}\n")
    registry = os.path.join(gendir, "registry.cpp")
    write_if_changed(registry, "\n".join(reg))
    units.append((registry, []))
    return units


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, ".cache/hosttest/libdaemu.so")
    objdir = os.path.join(os.path.dirname(out), "obj")
    os.makedirs(objdir, exist_ok=True)
    common = glob.glob(os.path.join(KDIR, "common*.cuh")) + [os.path.join(EMU, h) for h in ("shim.h", "module_table.h")]

    def build(unit):
        src, deps = unit
        obj = os.path.join(objdir, os.path.basename(src)[:-4] + ".o")
        if os.path.exists(obj) and all(os.path.getmtime(obj) > os.path.getmtime(s) for s in [src] + deps + common):
            return obj, None
        extra = os.environ.get("CXXFLAGS", "").split()
        p = subprocess.run([CXX] + FLAGS + extra + ["-I", KDIR, "-c", src, "-o", obj], capture_output=True, text=True)
        return obj, None if p.returncode == 0 else "%s:\n%s" % (src, p.stderr[:4000])

    with ThreadPoolExecutor(os.cpu_count() or 2) as ex:
        results = list(ex.map(build, sources(objdir)))
    errs = [e for _, e in results if e]
    if errs:
        print("\n".join(errs))
        return 1
    p = subprocess.run([CXX, "-shared", "-o", out] + [o for o, _ in results], capture_output=True, text=True)
    if p.returncode:
        print(p.stderr)
        return 1
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
