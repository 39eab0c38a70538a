"""Compiled or pure: which form of the hot modules this process runs.

setup.py compiles the modules listed under ``[tool.cablegram] compiled`` with
mypyc and writes ``_native.json``, the SHA-256 of each source it compiled. Python
imports an extension module before a source file of the same name, so a compiled
module left behind by an edit to its source would silently run the old code.
This module prevents that: at import of ``cablegram`` it compares the stamp with
the sources, and when anything differs (or ``CABLEGRAM_PURE=1`` asks for it) it
puts a finder first on ``sys.meta_path`` that loads every ``cablegram`` module
from its source. It is all or nothing: compiled modules call each other directly,
so a mixture is never run.

This module is never compiled itself, and imports nothing of cablegram's.
"""

from __future__ import annotations

import hashlib
import importlib.abc
import importlib.machinery
import importlib.util
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Any, ClassVar

PACKAGE = Path(__file__).resolve().parent
STAMP = PACKAGE / "_native.json"
_PURE_ENV = "CABLEGRAM_PURE"


class SourcesFirst(importlib.abc.MetaPathFinder):
    """Find ``cablegram.*`` modules as source (or bytecode of source), never as
    extension modules."""

    _loaders: ClassVar[list[tuple[Any, list[str]]]] = [
        (importlib.machinery.SourceFileLoader, importlib.machinery.SOURCE_SUFFIXES),
        (importlib.machinery.SourcelessFileLoader, importlib.machinery.BYTECODE_SUFFIXES),
    ]

    def find_spec(self, fullname: str, path: Sequence[str] | None,
                  target: ModuleType | None = None) -> importlib.machinery.ModuleSpec | None:
        if not fullname.startswith("cablegram.") or not path:
            return None
        name = fullname.rpartition(".")[2]
        for entry in path:
            spec = importlib.machinery.FileFinder(entry, *self._loaders).find_spec(fullname)
            if spec is not None and spec.name.rpartition(".")[2] == name:
                return spec
        return None


def source_module(fullname: str) -> ModuleType:
    """A fresh copy of module ``fullname`` run from its source, whatever MODE is;
    for tests that subclass or compare against the interpreted form (a compiled
    class cannot be subclassed from Python). It is not entered in sys.modules."""
    package, _, _ = fullname.rpartition(".")
    spec = SourcesFirst().find_spec(fullname, list(sys.modules[package].__path__))
    if spec is None or spec.loader is None:
        raise ImportError(f"no source for {fullname}", name=fullname)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _compiled_modules() -> set[str]:
    """Every extension module in the package, as a dotted name under ``cablegram``
    (the mypyc runtime library ``_native__mypyc`` aside)."""
    found = set()
    for ext in {s.rsplit(".", 1)[-1] for s in importlib.machinery.EXTENSION_SUFFIXES}:
        for path in PACKAGE.rglob(f"*.{ext}"):  # .so, or .pyd on Windows
            name = path.name.split(".", 1)[0]
            if name != "_native__mypyc":
                found.add(".".join((*path.parent.relative_to(PACKAGE).parts, name)))
    return found


def decide(stamp: dict[str, str] | None, sources: dict[str, bytes | None],
           compiled: set[str], pure_env: str | None) -> tuple[str, str]:
    """("compiled" | "pure", why): the pure choice whenever the compiled modules are
    not exactly those the sources would give."""
    if pure_env == "1":
        return "pure", f"{_PURE_ENV}=1"
    if stamp is None:
        if compiled:
            return "pure", f"compiled modules without {STAMP.name}: {', '.join(sorted(compiled))}"
        return "pure", "not compiled (built with CABLEGRAM_COMPILE=0, or not built)"
    stale = sorted(m for m, digest in stamp.items()
                   if sources.get(m) is None
                   or hashlib.sha256(sources[m] or b"").hexdigest() != digest)
    if stale:
        return "pure", "sources changed since they were compiled: " + ", ".join(stale)
    missing = sorted(set(stamp) - compiled)
    if missing:
        return "pure", "compiled modules missing: " + ", ".join(missing)
    extra = sorted(compiled - set(stamp))
    if extra:
        return "pure", "compiled modules not in the build: " + ", ".join(extra)
    return "compiled", f"{len(stamp)} modules compiled with mypyc"


def _read_stamp() -> dict[str, str] | None:
    try:
        modules = json.loads(STAMP.read_text(encoding="utf-8"))["modules"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return {str(k): str(v) for k, v in modules.items()} if isinstance(modules, dict) else None


def _read_source(module: str) -> bytes | None:
    try:
        return PACKAGE.joinpath(*module.split(".")).with_suffix(".py").read_bytes()
    except OSError:
        return None


_COMPILED = _compiled_modules()
_stamp = _read_stamp()
MODE, REASON = decide(_stamp, {m: _read_source(m) for m in _stamp or ()}, _COMPILED,
                      os.environ.get(_PURE_ENV))
# The finder is needed only where there are extension modules to step around.
if MODE == "pure" and _COMPILED and not any(isinstance(f, SourcesFirst) for f in sys.meta_path):
    sys.meta_path.insert(0, SourcesFirst())
    if REASON.startswith(("sources changed", "compiled modules")):
        print(f"cablegram: running the Python sources ({REASON}); "
              "`make native` compiles them again", file=sys.stderr)
