#!/usr/bin/env python3
"""GPU-free verification of the CUDA kernels in kernels/.

For every kernels/<family>.cu x dtype tag it declares (a "// da-dtypes: ..." line) x architecture,
compile to CUBIN with NVRTC (ctypes, no CUDA toolkit, no GPU), read the ptxas -v log and parse,
per kernel: registers, stack frame, spill stores, spill loads. Disassemble with cuobjdump -sass to
see whether the kernel has 128-bit global loads (LDG.E.128) and no local memory (LDL/STL).

sm_70 is gone from CUDA 13 (NVRTC and nvdisasm), so it is compiled with NVRTC 12.x and checked on
its PTX instead of SASS (ld.global[.nc].v4.b32 / .v2.b64 for 128-bit loads, ld/st.local for local
memory); ptxas -v still reports registers, stack and spills for it.
A module with no kernels (copy.cu for a tag it does not declare) is not compiled at all.

Fails (exit 1) on: a compile error, any spill, any non-zero stack frame (entry or callee), any
local-memory access, a `_vec` unary/binary kernel of f32/f16/bf16 without 128-bit loads, or a
module whose kernel set differs from the inventory table in kernels/ABI.md.

Tools are looked up in .cache/cuda-tools (nvidia-cuda-nvrtc, -cuobjdump, -nvdisasm from PyPI) and
.cache/cuda-tools-cu12 (nvidia-cuda-nvrtc-cu12); ci/kernels.sh installs them. Override with
DA_NVRTC_LIBS (colon-separated libnvrtc paths) and DA_CUDA_BIN (folder with cuobjdump+nvdisasm).
"""
import argparse
import ctypes
import multiprocessing
import os
import re
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KDIR = os.path.join(ROOT, "kernels")
ARCHS = ["sm_70", "sm_80", "sm_90"]
ALL_TAGS = ["bool", "u8", "u16", "u32", "u64", "i8", "i16", "i32", "i64", "f16", "bf16", "f32", "f64"]
VEC128_REQUIRED = {"families": ("unary", "binary"), "tags": ("f32", "f16", "bf16")}


def nvrtc_candidates():
    env = os.environ.get("DA_NVRTC_LIBS")
    if env:
        return [p for p in env.split(":") if p]
    return [
        os.path.join(ROOT, ".cache/cuda-tools/nvidia/cu13/lib/libnvrtc.so.13"),
        os.path.join(ROOT, ".cache/cuda-tools-cu12/nvidia/cuda_nvrtc/lib/libnvrtc.so.12"),
    ]


def cuda_bin():
    return os.environ.get("DA_CUDA_BIN") or os.path.join(ROOT, ".cache/cuda-tools/nvidia/cu13/bin")


_libs = {}


def load_nvrtc(path):
    if path not in _libs:
        lib = ctypes.CDLL(path)
        lib.nvrtcGetErrorString.restype = ctypes.c_char_p
        n = ctypes.c_int()
        lib.nvrtcGetNumSupportedArchs(ctypes.byref(n))
        arr = (ctypes.c_int * n.value)()
        lib.nvrtcGetSupportedArchs(arr)
        major, minor = ctypes.c_int(), ctypes.c_int()
        lib.nvrtcVersion(ctypes.byref(major), ctypes.byref(minor))
        _libs[path] = (lib, set(arr), "%d.%d" % (major.value, minor.value))
    return _libs[path]


def nvrtc_for(arch):
    """First NVRTC (newest first) that supports arch: (path, lib, version)."""
    num = int(arch.split("_")[1])
    for path in nvrtc_candidates():
        if not os.path.exists(path):
            continue
        lib, archs, ver = load_nvrtc(path)
        if num in archs:
            return path, lib, ver
    return None, None, None


def family_tags(path):
    with open(path) as f:
        for line in f:
            m = re.match(r"\s*//\s*da-dtypes:\s*(.*)", line)
            if m:
                tags = m.group(1).split()
                return ALL_TAGS if tags == ["all"] else tags
    return ALL_TAGS


def common_headers():
    """[(include name, text)] of common.cuh and its common_*.cuh parts: NVRTC resolves #include
    only against the headers it is given, so every one is passed by name (as src/cuda/module.rs does)."""
    out = []
    for name in sorted(f for f in os.listdir(KDIR) if f.startswith("common") and f.endswith(".cuh")):
        with open(os.path.join(KDIR, name), "rb") as f:
            out.append((name.encode(), f.read()))
    return out


def compile_module(lib, src, headers, name, opts):
    prog = ctypes.c_void_p()
    hdrs = (ctypes.c_char_p * len(headers))(*[h[1] for h in headers])
    names = (ctypes.c_char_p * len(headers))(*[h[0] for h in headers])
    rc = lib.nvrtcCreateProgram(ctypes.byref(prog), src, name.encode(), len(headers), hdrs, names)
    if rc != 0:
        return rc, "nvrtcCreateProgram: %s" % lib.nvrtcGetErrorString(rc).decode(), None, None
    copts = (ctypes.c_char_p * len(opts))(*[o.encode() for o in opts])
    rc = lib.nvrtcCompileProgram(prog, len(opts), copts)
    size = ctypes.c_size_t()
    lib.nvrtcGetProgramLogSize(prog, ctypes.byref(size))
    buf = ctypes.create_string_buffer(size.value)
    lib.nvrtcGetProgramLog(prog, buf)
    log = buf.value.decode(errors="replace")
    cubin = ptx = None
    if rc == 0:
        lib.nvrtcGetCUBINSize(prog, ctypes.byref(size))
        buf = ctypes.create_string_buffer(size.value)
        lib.nvrtcGetCUBIN(prog, buf)
        cubin = buf.raw
        lib.nvrtcGetPTXSize(prog, ctypes.byref(size))
        buf = ctypes.create_string_buffer(size.value)
        lib.nvrtcGetPTX(prog, buf)
        ptx = buf.value.decode(errors="replace")
    lib.nvrtcDestroyProgram(ctypes.byref(prog))
    return rc, log, cubin, ptx


RE_ENTRY = re.compile(r"Compiling entry function '([^']+)'")
RE_PROPS = re.compile(r"Function properties for (\S+)")
RE_STACK = re.compile(r"(\d+) bytes stack frame, (\d+) bytes spill stores, (\d+) bytes spill loads")
RE_REGS = re.compile(r"Used (\d+) registers")


def parse_ptxas(log):
    """{function: {regs, stack, spill_st, spill_ld, entry}} from the ptxas -v output."""
    funcs = {}
    entry = props = None
    for line in log.splitlines():
        m = RE_ENTRY.search(line)
        if m:
            entry = m.group(1)
            funcs.setdefault(entry, {"regs": 0, "stack": 0, "spill_st": 0, "spill_ld": 0, "entry": True})
            continue
        m = RE_PROPS.search(line)
        if m:
            props = m.group(1)
            funcs.setdefault(props, {"regs": 0, "stack": 0, "spill_st": 0, "spill_ld": 0, "entry": False})
            continue
        m = RE_STACK.search(line)
        if m and props:
            f = funcs[props]
            f["stack"], f["spill_st"], f["spill_ld"] = (int(g) for g in m.groups())
            continue
        m = RE_REGS.search(line)
        if m and entry:
            funcs[entry]["regs"] = int(m.group(1))
    return funcs


RE_SASS_FUNC = re.compile(r"^\s*Function\s*:\s*(\S+)")


def parse_sass(text):
    """{function: (has LDG.E.128, has LDL/STL)}."""
    out, cur = {}, None
    for line in text.splitlines():
        m = RE_SASS_FUNC.match(line)
        if m:
            cur = m.group(1)
            out[cur] = [False, False]
            continue
        if cur is None:
            continue
        if re.search(r"\bLDG\.E\.128\b", line) or re.search(r"\bLDG\.E\.ENL2\.256\b", line):
            out[cur][0] = True
        if re.search(r"\b(LDL|STL)(\.|\s)", line):
            out[cur][1] = True
    return out


RE_PTX_LD128 = re.compile(r"\bld\.global(\.[a-z0-9_]+)*\.(v4\.(b|u|s|f)32|v2\.(b|u|s|f)64)\b")
RE_PTX_LOCAL = re.compile(r"\b(ld|st)\.local\b")


def parse_ptx(text):
    out, cur = {}, None
    for line in text.splitlines():
        m = re.search(r"\.(entry|func)\s+(?:\([^)]*\)\s*)?([A-Za-z_$][\w$]*)", line)
        if m:
            cur = m.group(2)
            out[cur] = [False, False]
            continue
        if cur is None:
            continue
        if RE_PTX_LD128.search(line):
            out[cur][0] = True
        if RE_PTX_LOCAL.search(line):
            out[cur][1] = True
    return out


def run_job(job):
    t0 = time.time()
    res = run_job_(job)
    res["secs"] = time.time() - t0
    return res


def run_job_(job):
    family, tag, arch = job
    res = {"job": job, "rows": [], "errors": [], "tool": "", "secs": 0.0}
    path, lib, ver = nvrtc_for(arch)
    if lib is None:
        res["errors"].append("%s %s %s: no NVRTC supporting %s (run ci/kernels.sh)" % (family, tag, arch, arch))
        return res
    with open(os.path.join(KDIR, family + ".cu"), "rb") as f:
        src = f.read()
    headers = common_headers()
    opts = ["--gpu-architecture=" + arch, "-std=c++17", "-default-device", "--ptxas-options=-v",
            "-DDA_DTYPE_" + tag.upper()]
    rc, log, cubin, ptx = compile_module(lib, src, headers, family + ".cu", opts)
    if rc != 0:
        res["errors"].append("%s %s %s: compile error (NVRTC %s):\n%s" % (family, tag, arch, ver, log))
        return res
    funcs = parse_ptxas(log)
    sass, tool = None, "sass"
    with tempfile.TemporaryDirectory() as tmp:
        cb = os.path.join(tmp, "%s_%s_%s.cubin" % (family, tag, arch))
        with open(cb, "wb") as f:
            f.write(cubin)
        env = dict(os.environ)
        env["PATH"] = cuda_bin() + os.pathsep + env.get("PATH", "")
        try:
            p = subprocess.run([os.path.join(cuda_bin(), "cuobjdump"), "-sass", cb], env=env,
                               capture_output=True, text=True)
            if p.returncode == 0 and "Function" in p.stdout:
                sass = parse_sass(p.stdout)
        except OSError:
            pass
    if sass is None:  # cuobjdump/nvdisasm cannot read this arch (sm_70 with CUDA 13): use the PTX
        sass, tool = parse_ptx(ptx), "ptx"
    res["tool"] = "nvrtc %s, %s" % (ver, tool)
    for name, f in funcs.items():
        ldg128, local = sass.get(name, [False, False])
        bad = []
        if f["stack"]:
            bad.append("stack")
        if f["spill_st"] or f["spill_ld"]:
            bad.append("spill")
        if local:
            bad.append("local-mem")
        if (family in VEC128_REQUIRED["families"] and tag in VEC128_REQUIRED["tags"]
                and name.endswith("_vec") and not ldg128):
            bad.append("no-ldg128")
        res["rows"].append({"family": family, "tag": tag, "arch": arch, "name": name, "entry": f["entry"],
                            "regs": f["regs"], "stack": f["stack"], "spill_st": f["spill_st"],
                            "spill_ld": f["spill_ld"], "ldg128": ldg128, "bad": bad})
    return res


def abi_table():
    """{(family, op): set(tags)} from the '| family | op | dtypes |' table in kernels/ABI.md."""
    table = {}
    try:
        with open(os.path.join(KDIR, "ABI.md")) as f:
            text = f.read()
    except OSError:
        return table
    sect = text.split("<!-- kernel-table-begin -->")
    if len(sect) < 2:
        return table
    body = sect[1].split("<!-- kernel-table-end -->")[0]
    for line in body.splitlines():
        cells = [c.strip().strip("`") for c in line.strip().strip("|").split("|")]
        if len(cells) < 3 or cells[0] in ("family", "") or set(cells[0]) <= set("-: "):
            continue
        fam, ops, tags = cells[0], cells[1], cells[2]
        # "all": every tag the family's source declares (as src/cuda/module.rs reads the table)
        tagset = set(family_tags(os.path.join(KDIR, fam + ".cu"))) if tags == "all" else set(tags.split())
        for op in ops.split():
            table[(fam, op)] = tagset
    return table


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--arch", action="append", help="sm_70, sm_80, sm_90 (repeatable or comma list)")
    ap.add_argument("--family", action="append", help="unary, binary, ... (repeatable or comma list)")
    ap.add_argument("--dtype", action="append", help="dtype tags (repeatable or comma list)")
    ap.add_argument("-j", "--jobs", type=int, default=2, help="parallel compiles (default 2)")
    ap.add_argument("--failures-only", action="store_true", help="print only failing rows")
    args = ap.parse_args()

    def split(vals):
        return [v for x in (vals or []) for v in x.split(",") if v]

    archs = split(args.arch) or ARCHS
    fams_all = sorted(f[:-3] for f in os.listdir(KDIR) if f.endswith(".cu"))
    fams = split(args.family) or fams_all
    dtypes = split(args.dtype)
    for f in fams:
        if f not in fams_all:
            sys.exit("unknown family %s (have %s)" % (f, " ".join(fams_all)))
    jobs = []
    for fam in fams:
        for tag in family_tags(os.path.join(KDIR, fam + ".cu")):
            if dtypes and tag not in dtypes:
                continue
            for arch in archs:
                jobs.append((fam, tag, arch))
    t0 = time.time()
    if args.jobs > 1 and len(jobs) > 1:
        with multiprocessing.Pool(args.jobs) as pool:
            results = pool.map(run_job, jobs, chunksize=1)
    else:
        results = [run_job(j) for j in jobs]
    elapsed = time.time() - t0

    rows, errors, tools = [], [], {}
    for r in results:
        rows.extend(r["rows"])
        errors.extend(r["errors"])
        if r["tool"]:
            tools[r["job"][2]] = r["tool"]
    # kernel set vs the inventory table in ABI.md
    table = abi_table()
    if not table:
        errors.append("kernels/ABI.md: no kernel table between <!-- kernel-table-begin/end --> markers")
    for r in results:
        fam, tag, arch = r["job"]
        if r["errors"] or not table:
            continue
        have = {row["name"] for row in r["rows"] if row["entry"]}
        want = set()
        for (tf, op), tags in table.items():
            if tf != fam or tag not in tags:
                continue
            if fam == "reduce":
                want |= {"%s_%s_%s" % (op, tag, p) for p in ("full1", "full2", "inner", "outer")}
            elif fam == "scan":
                want |= {"%s_%s_%s" % (op, tag, p) for p in ("rows", "up", "mid", "down", "cols")}
            elif fam == "matmul":
                want.add("%s_%s_tile" % (op, tag))
            elif fam == "random":
                want.add("%s_%s_ctr" % (op, tag))
            elif fam == "sort":
                paths = {"sortprep": ("keys", "take", "block"), "searchsorted": ("left", "right")}.get(
                    op, ("hist", "scatter", "index"))
                want |= {"%s_%s_%s" % (op, tag, p) for p in paths}
            elif fam == "gather":
                want |= {"%s_%s_%s" % (op, tag, p) for p in ("s32", "s64")}
            elif fam == "cast":
                dsts = family_tags(os.path.join(KDIR, "cast.cu"))  # every source casts to every dtype
                want |= {"%s_%s_%s_%s" % (op, tag, d, p) for d in dsts for p in ("vec", "s32", "s64")}
            else:
                want |= {"%s_%s_%s" % (op, tag, p) for p in ("vec", "s32", "s64")}
        if have != want:
            errors.append("%s %s %s: kernels differ from the ABI.md table: missing %s, extra %s" % (
                fam, tag, arch, sorted(want - have)[:6], sorted(have - want)[:6]))

    rows.sort(key=lambda x: (x["family"], ALL_TAGS.index(x["tag"]) if x["tag"] in ALL_TAGS else 99,
                             x["name"], x["arch"]))
    fmt = "%-34s %-6s %5s %6s %9s %9s %7s  %s"
    print(fmt % ("kernel", "arch", "regs", "stack", "spill_st", "spill_ld", "ldg128", "status"))
    nbad = 0
    for x in rows:
        status = "ok" if not x["bad"] else "FAIL:" + ",".join(x["bad"])
        nbad += bool(x["bad"])
        if args.failures_only and not x["bad"]:
            continue
        name = x["name"] if x["entry"] else x["name"] + " (callee)"
        print(fmt % (name, x["arch"], x["regs"], x["stack"], x["spill_st"], x["spill_ld"],
                     "yes" if x["ldg128"] else "no", status))
    for e in errors:
        print("ERROR: " + e)
    for arch in sorted(tools):
        print("tools %s: %s" % (arch, tools[arch]))
    fam_secs = {}
    for r in results:
        fam_secs[r["job"][0]] = fam_secs.get(r["job"][0], 0.0) + r["secs"]
    print("compile+check CPU seconds by family: " + ", ".join("%s %.0f" % kv for kv in sorted(fam_secs.items())))
    nk = len({x["name"] for x in rows if x["entry"]})
    nrows = sum(1 for x in rows if x["entry"])
    maxregs = max([x["regs"] for x in rows] or [0])
    print("summary: %d kernels x %d archs = %d kernel builds checked (%d modules), max regs %d, "
          "%d failing rows, %d errors, %.1f s" % (nk, len(archs), nrows, len(jobs), maxregs, nbad,
                                                  len(errors), elapsed))
    return 1 if (nbad or errors) else 0


if __name__ == "__main__":
    sys.exit(main())
