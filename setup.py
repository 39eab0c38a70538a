"""Build the package, with its hot modules compiled to C by mypyc.

Everything else about the package is in pyproject.toml; this file exists only
because extension modules are declared in code. The modules to compile are
listed under ``[tool.cablegram] compiled``. They are ordinary typed Python
(``mypy --strict``): compiling changes their speed, never their behaviour, and
``cablegram._native`` falls back to the sources whenever the compiled modules do
not match them (docs/native.md).

``CABLEGRAM_COMPILE=0`` builds a pure-Python package.
"""

from __future__ import annotations

import hashlib
import json
import os
import tomllib
from pathlib import Path
from typing import Any

from setuptools import setup

HERE = Path(__file__).resolve().parent
PACKAGE = HERE / "cablegram"
STAMP = PACKAGE / "_native.json"
GROUP = "cablegram._native"


def _modules() -> list[str]:
    config = tomllib.loads((HERE / "pyproject.toml").read_text(encoding="utf-8"))
    return list(config["tool"]["cablegram"]["compiled"])


def _source(module: str) -> Path:
    return PACKAGE.joinpath(*module.split(".")).with_suffix(".py")


def _write_stamp(modules: list[str]) -> None:
    # What the compiled modules were built from: cablegram._native compares it with
    # the sources at import and uses the sources when they differ.
    digests = {m: hashlib.sha256(_source(m).read_bytes()).hexdigest() for m in modules}
    STAMP.write_text(json.dumps({"modules": digests}, indent=1, sort_keys=True) + "\n",
                     encoding="utf-8")


def _ext_modules() -> list[Any]:
    modules = _modules()
    # A module taken off the list must not leave its old build behind (Python would
    # import it before the source): every build starts from none.
    for old in PACKAGE.rglob("*.so"):
        old.unlink()
    if os.environ.get("CABLEGRAM_COMPILE", "1") == "0":
        STAMP.unlink(missing_ok=True)
        return []
    from mypyc.build import mypycify

    _write_stamp(modules)
    return list(mypycify([str(_source(m).relative_to(HERE)) for m in modules],
                         opt_level="3", group_name=GROUP))


setup(ext_modules=_ext_modules())
