"""Write generated cables in the published forms: telegram text, WikiLeaks pages, cables.csv.

Telegram and WikiLeaks files go to ``DIR/YYYY/MM/<id>.txt|.html`` (the
Cablegate layout); cables.csv is one file, ``DIR/cables.csv``, in the
distribution's 8-column backslash-escaped form (corpus/README.md). Files are
written as UTF-8 bytes with LF line ends, so the same seed gives the same bytes.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Literal

from cablegram.model import Cable
from cablegram.synth import wikileaks_writer

Format = Literal["telegram", "wikileaks-html", "cables-csv"]
FORMATS: tuple[Format, ...] = ("telegram", "wikileaks-html", "cables-csv")


def render(cable: Cable) -> str:
    """The cable's telegram text (the codec's writer, rule H1 layout)."""
    from cablegram.formats.telegram import render_telegram

    return render_telegram(cable)


def csv_row(index: int, cable: Cable, text: str) -> list[str]:
    """One cables.csv row: number, date, id, origin, classification, refs, header, text."""
    w = cable.dtg.when if cable.dtg else None
    date = f"{w.month}/{w.day}/{w.year} {w.hour}:{w.minute:02d}" if w else ""
    refs = "|".join(str(r.id) for r in cable.references if r.id is not None)
    head, body = wikileaks_writer.split_telegram(text)
    return [str(index), date, str(cable.reference_id or ""),
            wikileaks_writer.origin_label(cable), cable.classification.banner, refs, head, body]


def csv_text(rows: Iterable[list[str]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, quoting=csv.QUOTE_ALL, escapechar="\\", doublequote=False,
                        lineterminator="\n")
    writer.writerows(rows)
    return buf.getvalue()


def _file_path(out: Path, cable: Cable, ext: str) -> Path:
    w = cable.dtg.when if cable.dtg else None
    sub = out / (f"{w:%Y}" if w else "0000") / (f"{w:%m}" if w else "00")
    return sub / f"{cable.reference_id}{ext}"


def write(cables: Iterable[Cable], out: Path, fmt: Format = "telegram",
          on_cable: Callable[[int], None] | None = None) -> int:
    """Write every cable to ``out`` in ``fmt``; return how many were written."""
    out.mkdir(parents=True, exist_ok=True)
    n = 0
    made: set[Path] = set()
    if fmt == "cables-csv":
        with (out / "cables.csv").open("w", encoding="utf-8", newline="") as fh:
            for n, cable in enumerate(cables, start=1):
                fh.write(csv_text([csv_row(n, cable, render(cable))]))
                if on_cable:
                    on_cable(n)
        return n
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")
    ext = ".txt" if fmt == "telegram" else ".html"
    for n, cable in enumerate(cables, start=1):
        text = render(cable)
        data = text if fmt == "telegram" else wikileaks_writer.page(cable, text)
        path = _file_path(out, cable, ext)
        if path.parent not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(path.parent)
        path.write_bytes(data.encode("utf-8"))
        if on_cable:
            on_cable(n)
    return n
