"""The hot modules compiled with mypyc (setup.py, cablegram/_native.py): run when
they match their sources, never when they do not, and read every cable exactly as
the sources do."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, corpus_path

from cablegram import _native
from cablegram._native import decide
from cablegram.formats.telegram import render_telegram
from cablegram.synth import generate

SRC = {"formats.a": b"x = 1\n", "formats.b": b"y = 2\n"}
STAMP = {m: hashlib.sha256(src).hexdigest() for m, src in SRC.items()}


def test_compiled_when_every_module_matches_its_stamp() -> None:
    assert decide(STAMP, SRC, set(SRC), None)[0] == "compiled"


def test_pure_when_asked() -> None:
    assert decide(STAMP, SRC, set(SRC), "1") == ("pure", "CABLEGRAM_PURE=1")


def test_pure_when_a_source_changed_after_compiling_naming_it() -> None:
    mode, why = decide(STAMP, {**SRC, "formats.b": b"y = 3\n"}, set(SRC), None)
    assert mode == "pure" and "formats.b" in why and "formats.a" not in why


def test_pure_when_a_compiled_module_is_missing_or_a_source_is_gone() -> None:
    assert decide(STAMP, SRC, {"formats.a"}, None) == (
        "pure", "compiled modules missing: formats.b")
    assert decide(STAMP, {"formats.a": SRC["formats.a"], "formats.b": None},
                  set(SRC), None)[0] == "pure"


def test_pure_when_a_compiled_module_is_not_in_the_build() -> None:
    """A module taken off the list, its old build left behind."""
    assert decide(STAMP, SRC, {*SRC, "formats.c"}, None) == (
        "pure", "compiled modules not in the build: formats.c")


def test_pure_when_extension_modules_lie_there_without_a_stamp() -> None:
    mode, why = decide(None, {}, {"formats.tags"}, None)
    assert mode == "pure" and "formats.tags" in why
    assert decide(None, {}, set(), None)[0] == "pure"


def _env(pure: bool, path: Path | None = None) -> dict[str, str]:
    """This environment, with CABLEGRAM_PURE set only when ``pure``."""
    env = {k: v for k, v in os.environ.items() if k != "CABLEGRAM_PURE"}
    if pure:
        env["CABLEGRAM_PURE"] = "1"
    if path is not None:
        env["PYTHONPATH"] = str(path)
    return env


def _run(code: str, *, pure: bool, cwd: Path | None = None,
         path: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=_env(pure, path), cwd=cwd, check=True, timeout=120)


def _require_built() -> None:
    """Skip where nothing was compiled (no C compiler), unless CI requires it."""
    if not _native.STAMP.exists():
        if os.environ.get("CABLEGRAM_REQUIRE_NATIVE") == "1":
            pytest.fail(f"CABLEGRAM_REQUIRE_NATIVE=1 but nothing is compiled ({_native.REASON})")
        pytest.skip("not compiled: `make native` builds the compiled modules")


_WHERE = "import cablegram.formats.telegram_reader as m, cablegram._native as n; " \
         "print(n.MODE, m.__file__)"


def test_the_built_package_runs_compiled_and_pure_on_request() -> None:
    _require_built()
    mode, file = _run(_WHERE, pure=False).stdout.split()
    assert mode == "compiled" and file.endswith(".so")
    mode, file = _run(_WHERE, pure=True).stdout.split()
    assert mode == "pure" and file.endswith("telegram_reader.py")


def test_the_version_says_which_form_runs() -> None:
    from click.testing import CliRunner

    from cablegram.cli import cli

    out = CliRunner().invoke(cli, ["--version"]).output
    assert f"hot modules {_native.MODE}: {_native.REASON}" in out


def test_an_edited_source_is_run_instead_of_its_stale_compiled_module(tmp_path: Path) -> None:
    _require_built()
    copy = tmp_path / "cablegram"
    shutil.copytree(REPO / "cablegram", copy, ignore=shutil.ignore_patterns("__pycache__"))
    reader = copy / "formats" / "telegram_reader.py"
    reader.write_text(reader.read_text(encoding="utf-8") + "\nEDITED = True\n",
                      encoding="utf-8")
    done = _run(_WHERE + "; print(m.EDITED)", pure=False, cwd=tmp_path, path=tmp_path)
    mode, file, edited = done.stdout.split()
    assert (mode, edited) == ("pure", "True") and file == str(reader)
    assert "formats.telegram_reader" in done.stderr and "compiles them again" in done.stderr


def _parse_json(paths: list[Path], *, pure: bool) -> list[str]:
    code = ("import sys; from cablegram.cli import main; "
            "sys.argv = ['cablegram', 'parse', '--json', *sys.argv[1:]]; main()")
    done = subprocess.run([sys.executable, "-c", code, *map(str, paths)], capture_output=True,
                          text=True, env=_env(pure), timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def test_compiled_and_pure_read_every_cable_identically(tmp_path: Path) -> None:
    """Byte for byte, warnings included: the corpus in every format, and generated
    telegrams with their WikiLeaks-style damage."""
    _require_built()
    made = tmp_path / "made"
    made.mkdir()
    for i, cable in enumerate(generate(300, 5)):
        text = render_telegram(cable)
        if i % 3 == 1:  # A1-A4 artefacts: page breaks, a pilcrow, CRLF
            text = text.replace("\n\n", "\n\nPAGE 02 OSLO 00000100 002 OF 002\n\n", 1)
            text = text.replace("1. (", "\u00b61. (", 1).replace("\n", "\r\n")
        (made / f"{i:04d}.txt").write_text(text, encoding="utf-8", newline="")
    paths = [corpus_path(), made]
    compiled, pure = _parse_json(paths, pure=False), _parse_json(paths, pure=True)
    assert len(compiled) > 1_400
    assert compiled == pure
