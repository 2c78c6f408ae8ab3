"""The type stubs (``devarray/__init__.pyi``) match the runtime: the same public names, the
same ``ndarray`` members, and the same parameter names and kinds."""

from __future__ import annotations

import ast
import inspect
import os
from pathlib import Path

import pytest

import devarray as dv

STUB = Path(dv.__file__).with_name("__init__.pyi")
KINDS = inspect.Parameter


def _stub_tree() -> ast.Module:
    assert STUB.exists(), "the package ships __init__.pyi"
    assert STUB.with_name("py.typed").exists(), "the package ships py.typed"
    return ast.parse(STUB.read_text())


def _public(name: str) -> bool:
    return not name.startswith("_") or (name.startswith("__") and name.endswith("__"))


def _module_names(tree: ast.Module) -> dict[str, ast.AST]:
    names: dict[str, ast.AST] = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names[node.name] = node
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names[node.target.id] = node
        elif isinstance(node, ast.ImportFrom):  # `from . import linalg as linalg`: a re-export
            names.update({a.asname: node for a in node.names if a.asname is not None and a.asname == a.name})
    return names


def _params(fn: ast.FunctionDef, skip_self: bool) -> list[tuple[str, object]]:
    a = fn.args
    out = [(p.arg, KINDS.POSITIONAL_ONLY) for p in a.posonlyargs]
    out += [(p.arg, KINDS.POSITIONAL_OR_KEYWORD) for p in a.args]
    if a.vararg:
        out.append((a.vararg.arg, KINDS.VAR_POSITIONAL))
    out += [(p.arg, KINDS.KEYWORD_ONLY) for p in a.kwonlyargs]
    if a.kwarg:
        out.append((a.kwarg.arg, KINDS.VAR_KEYWORD))
    if skip_self and out:
        out = out[1:]
    elif out and out[0][0] == "self":
        out[0] = ("self", KINDS.POSITIONAL_ONLY)  # pyo3 methods take self positionally
    return out


def _runtime_params(obj) -> list[tuple[str, object]] | None:
    try:
        sig = inspect.signature(obj)
    except (TypeError, ValueError):
        return None
    return [(p.name, p.kind) for p in sig.parameters.values()]


def test_public_names_match():
    stub = {n for n in _module_names(_stub_tree()) if _public(n) and n not in {"__version__"}}
    runtime = set(dv.__all__)
    assert stub - runtime == set(), "in the stub but not exported"
    assert runtime - stub == set(), "exported but missing from the stub"


def test_module_function_signatures_match():
    checked = 0
    for name, node in _module_names(_stub_tree()).items():
        if not isinstance(node, ast.FunctionDef) or not _public(name):
            continue
        runtime = _runtime_params(getattr(dv, name))
        assert runtime is not None, f"{name} has no introspectable signature"
        assert _params(node, skip_self=False) == runtime, name
        checked += 1
    assert checked > 80


def test_ndarray_members_match():
    cls = next(n for n in _stub_tree().body if isinstance(n, ast.ClassDef) and n.name == "ndarray")
    stub_members = {}
    for node in cls.body:
        if isinstance(node, ast.FunctionDef):
            stub_members[node.name] = node
    runtime_public = {n for n in dir(dv.ndarray) if not n.startswith("_")}
    assert runtime_public - set(stub_members) == set(), "ndarray members missing from the stub"
    for name, node in stub_members.items():
        assert hasattr(dv.ndarray, name), f"stub names ndarray.{name}, which does not exist"
        is_property = any(isinstance(d, ast.Name) and d.id == "property" for d in node.decorator_list)
        attr = inspect.getattr_static(dv.ndarray, name)
        if is_property:
            assert inspect.isgetsetdescriptor(attr) or isinstance(attr, property), name
            continue
        if type(attr).__name__ == "wrapper_descriptor":
            continue  # operator slots: CPython names their parameters itself
        runtime = _runtime_params(getattr(dv.ndarray, name))
        if runtime is None:
            continue
        assert _params(node, skip_self=False) == runtime, name


@pytest.mark.parametrize("cls_name", ["DType", "Device"])
def test_small_classes_match(cls_name):
    cls = next(n for n in _stub_tree().body if isinstance(n, ast.ClassDef) and n.name == cls_name)
    for node in cls.body:
        if isinstance(node, ast.FunctionDef) and not node.name.startswith("__"):
            assert hasattr(getattr(dv, cls_name), node.name), f"{cls_name}.{node.name}"


def test_mypy_stubtest(tmp_path):
    """mypy's stubtest: every stub matches the runtime object (names, signatures, defaults)."""
    pytest.importorskip("mypy")
    import subprocess
    import sys

    config = tmp_path / "mypy.ini"
    config.write_text("[mypy]\nignore_missing_imports = True\ncache_dir = " + str(tmp_path / "cache") + "\n")
    env = {**os.environ, "MYPY_CACHE_DIR": str(tmp_path / "cache")}
    out = subprocess.run(
        [sys.executable, "-m", "mypy.stubtest", "devarray", "--mypy-config-file", str(config)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=300,
    )
    assert out.returncode == 0, out.stdout + out.stderr
