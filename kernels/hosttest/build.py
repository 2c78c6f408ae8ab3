#!/usr/bin/env python3
"""Build kernels/*.cu for every dtype as host C++ (shim.h) into one shared library for CPU tests.

Usage: python3 kernels/hosttest/build.py [OUT.so]  (default .cache/hosttest/libdaemu.so)
Needs g++ (C++17). Each family x dtype is its own translation unit, like the NVRTC modules.
"""
import os, re, subprocess, sys
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
KDIR = os.path.dirname(HERE)
ROOT = os.path.dirname(KDIR)
ALL = ["bool", "u8", "u16", "u32", "u64", "i8", "i16", "i32", "i64", "f16", "bf16", "f32", "f64"]
CXX = os.environ.get("CXX", "g++")
FLAGS = ["-std=c++17", "-O1", "-fPIC", "-w", "-fno-fast-math", "-ffp-contract=off"]


def tags(path):
    for line in open(path):
        m = re.match(r"\s*//\s*da-dtypes:\s*(.*)", line)
        if m:
            t = m.group(1).split()
            return ALL if t == ["all"] else t
    return ALL


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, ".cache/hosttest/libdaemu.so")
    objdir = os.path.join(os.path.dirname(out), "obj")
    os.makedirs(objdir, exist_ok=True)
    jobs = [(["-c", os.path.join(HERE, "launcher.cpp")], os.path.join(objdir, "launcher.o"), [os.path.join(HERE, "launcher.cpp")])]
    for f in sorted(os.listdir(KDIR)):
        if not f.endswith(".cu"):
            continue
        fam = f[:-3]
        for t in tags(os.path.join(KDIR, f)):
            src = os.path.join(KDIR, f)
            jobs.append((["-x", "c++", "-include", os.path.join(HERE, "shim.h"), "-DDA_DTYPE_" + t.upper(), "-c", src],
                         os.path.join(objdir, "%s_%s.o" % (fam, t)), [src]))
    deps = [os.path.join(KDIR, "common.cuh"), os.path.join(HERE, "shim.h")]

    def build(job):
        args, obj, srcs = job
        if os.path.exists(obj) and all(os.path.getmtime(obj) > os.path.getmtime(s) for s in srcs + deps):
            return None
        p = subprocess.run([CXX] + FLAGS + args + ["-o", obj], capture_output=True, text=True)
        return None if p.returncode == 0 else "%s:\n%s" % (obj, p.stderr[:4000])

    with ThreadPoolExecutor(os.cpu_count() or 2) as ex:
        errs = [e for e in ex.map(build, jobs) if e]
    if errs:
        print("\n".join(errs))
        return 1
    objs = [j[1] for j in jobs]
    p = subprocess.run([CXX, "-shared", "-o", out] + objs + ["-ldl"], capture_output=True, text=True)
    if p.returncode:
        print(p.stderr)
        return 1
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
