"""Small view helpers: what a template needs that is not a plain attribute.

Kept out of the templates so the templates stay lean (the cable page must
render in a few milliseconds at 251k cables) and the logic stays testable.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from cablegram.model import Cable, Level, Paragraph, Tag
from cablegram.vocab.tags import tag_info as _tag_info
from cablegram.vocab.tags import tags as _all_tags

LEVEL_CSS = {
    Level.UNCLASSIFIED: "unclassified",
    Level.SBU: "sbu",
    Level.CONFIDENTIAL: "confidential",
    Level.SECRET: "secret",
    Level.TOP_SECRET: "topsecret",
}
# Search hits carry the level label only ("SECRET", "TOP SECRET").
LABEL_CSS = {"UNCLASSIFIED": "unclassified", "CONFIDENTIAL": "confidential",
             "SECRET": "secret", "TOP SECRET": "topsecret"}


def level_css(level: Level | None) -> str:
    return LEVEL_CSS.get(level, "unmarked") if level is not None else "unmarked"


def label_css(label: str) -> str:
    return LABEL_CSS.get(label.upper(), "unclassified")


def banner(cable: Cable) -> str:
    """The banner line: level, then its caveats (C2)."""
    c = cable.classification
    parts = [c.banner.split("//")[0], *[cv for cv in c.caveats if cv != "SIPDIS"]]
    return "//".join(dict.fromkeys(parts))


def tag_meaning(code: str) -> str | None:
    info = _tag_info(code)
    return info.meaning if info is not None else None


def vocabulary() -> list[tuple[str, str]]:
    """Every tag of the TAGS table with its meaning, by code (T5)."""
    return sorted((code, info.meaning) for code, info in _all_tags().items())


@dataclass(frozen=True, slots=True)
class TagView:
    code: str
    kind: str
    meaning: str | None


def tag_views(tags: tuple[Tag, ...]) -> list[TagView]:
    return [TagView(t.code, str(t.kind), tag_meaning(t.code)) for t in tags]


@dataclass(frozen=True, slots=True)
class ParagraphView:
    anchor: str  # "p3", or "p-2" for the second unnumbered paragraph
    label: str  # "3." or ""
    marking: str | None
    level_css: str
    blocks: list[str]  # the text split where the original left a blank line
    span: str | None  # "summary" / "comment" when a marked span starts here


def paragraph_views(cable: Cable) -> list[ParagraphView]:
    starts: dict[int, str] = {s.first: s.kind for s in cable.spans}
    out = []
    for i, p in enumerate(cable.paragraphs, start=1):
        key = p.number if p.number is not None else i
        out.append(ParagraphView(
            anchor=f"p{p.number}" if p.number is not None else f"p-{i}",
            label=f"{p.number}." if p.number is not None else "",
            marking=p.marking,
            level_css=level_css(_portion_level(p)),
            blocks=[b.strip() for b in p.text.split("\n\n") if b.strip()] or [""],
            span=starts.get(key),
        ))
    return out


def _portion_level(p: Paragraph) -> Level | None:
    try:
        return p.level
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class DiffLine:
    kind: str  # "add" | "del" | "ctx" | "hunk"
    text: str


def raw_diff(old: str, new: str, old_name: str, new_name: str) -> list[DiffLine]:
    """A unified diff of two versions' raw text, line by line, for display."""
    out = []
    for line in difflib.unified_diff(old.splitlines(), new.splitlines(), old_name, new_name,
                                     lineterm="", n=2):
        if line.startswith(("---", "+++")):
            continue
        kind = {"@": "hunk", "+": "add", "-": "del"}.get(line[:1], "ctx")
        out.append(DiffLine(kind, line))
    return out


def json_safe(value: Any) -> Any:
    """Tuples to lists, for JSON answers built from dataclasses."""
    if isinstance(value, tuple | list):
        return [json_safe(v) for v in value]
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    return value
