"""``cablegram parse PATH...``: read cables in any published form and print them.

A thin command over :func:`cablegram.formats.read_paths`. With ``--json`` it
prints one JSON object per cable (JSON lines, the archive's JSON form) and a
``{"error": ...}`` line for whatever could not be read; without it, a short
readable summary per cable, with problems on stderr. Reading goes on past bad
input; the exit code is non-zero only when nothing at all could be read.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from cablegram.errors import FormatError

# C0/C1 controls and bidi overrides: cable text must not drive the terminal.
_TERMINAL_UNSAFE = {c: "\ufffd" for c in (*range(0x00, 0x09), *range(0x0B, 0x20),
                                          *range(0x7F, 0xA0), 0x200E, 0x200F, 0x061C,
                                          *range(0x202A, 0x202F), *range(0x2066, 0x206A))}


def _safe(text: str) -> str:
    return text.translate(_TERMINAL_UNSAFE)


# In JSON output the same characters are written as \\uXXXX escapes: the text stays
# exact for a program, and a terminal showing the lines is not driven by it.
_JSON_ESCAPES = {c: f"\\u{c:04x}" for c in _TERMINAL_UNSAFE}


def _dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False).translate(_JSON_ESCAPES)


def _error_line(bad: Any) -> dict[str, Any]:
    return {"error": "unreadable", "source": bad.source, "position": bad.position,
            "reason": bad.reason}


def _summary(cable: Any) -> str:
    from cablegram.formats.markdown import summary_rows

    rows = summary_rows(cable)
    lines = [f"{label:>15}: {_safe(value)}" for label, value in rows if label != "Source"]
    src = " ".join(x for x in (cable.source.format, cable.source.path) if x)
    head = str(cable.reference_id) if cable.reference_id else "(no reference id)"
    lines.insert(0, f"== {_safe(head)}  [{_safe(src)}]")
    lines.append(f"{'Paragraphs':>15}: {len(cable.paragraphs)}")
    for w in cable.warnings:
        lines.append(f"{'warning':>15}: {_safe(str(w))}")
    return "\n".join(lines)


@click.command("parse")
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "fmt", default=None, metavar="NAME",
              help="Read every input as this format instead of detecting it: telegram, "
                   "wikileaks-html, plusd-html, plusd-markdown, cables-csv, cfpf, json.")
@click.option("--json", "as_json", is_flag=True,
              help="Print one JSON object per cable (JSON lines); errors as JSON lines too.")
@click.option("--strict", is_flag=True,
              help="Stop at the first input that breaks a format rule (exit 65).")
def parse(paths: tuple[str, ...], fmt: str | None, as_json: bool, strict: bool) -> None:
    """Read cables from PATH... (files, directories, .zip/.tar/.gz, or - for stdin)."""
    from cablegram.formats import FORMATS, Unreadable, read_paths

    if fmt is not None and fmt not in FORMATS:
        raise click.BadParameter(f"{fmt!r} is not one of {', '.join(FORMATS)}",
                                 param_hint="--format")
    from cablegram.formats.jsonform import to_json
    read = bad = 0
    out = sys.stdout
    try:
        for record in read_paths(paths, format=fmt, strict=strict):
            if isinstance(record, Unreadable):
                bad += 1
                if as_json:
                    out.write(_dumps(_error_line(record)) + "\n")
                else:
                    click.echo(f"error: {_safe(str(record))}", err=True)
                continue
            read += 1
            if as_json:
                out.write(_dumps(to_json(record)) + "\n")
            else:
                out.write(_summary(record) + "\n\n")
    except FormatError as exc:
        if as_json:
            position = f"line {exc.line}" if exc.line is not None else None
            out.write(_dumps({"error": "format", "source": exc.source, "position": position,
                              "reason": str(exc)}) + "\n")
        out.flush()
        raise
    out.flush()
    if not as_json:
        click.echo(f"{read} cable(s) read, {bad} input(s) unreadable", err=True)
    if read == 0:
        sys.exit(65 if bad else 66)


def register(group: click.Group) -> None:
    group.add_command(parse)
