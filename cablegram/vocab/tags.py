"""The TAGS vocabulary and the handling captions, loaded from data files (T3, T5).

The tables are data, not code (docs/style.md, "Vocabulary is data"):
``data/tags.csv`` lists subject, program, organisation and country tags with
their meaning; ``data/captions.csv`` lists the captions of rule T3. Both are
validated when loaded, and an error names the file, the line and the rule.

Country tags follow the State Department's two-letter codes (NO Norway, RS
Russia, SP Spain), which are not ISO 3166 codes.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from cablegram.errors import FormatError
from cablegram.model import TagKind

DATA_DIR = Path(__file__).parent / "data"
TAGS_CSV = DATA_DIR / "tags.csv"
CAPTIONS_CSV = DATA_DIR / "captions.csv"

# T5: a country tag is 2 letters; subject and program tags 4 letters, programs
# start with K; organisation tags are 2-6 letters or digits (G8, UNSC, ECOWAS).
_COUNTRY_RE = re.compile(r"^[A-Z]{2}$")
_FOUR_LETTER_RE = re.compile(r"^[A-Z]{4}$")
_CODE_RE = re.compile(r"^[A-Z][A-Z0-9]{1,5}$")

CAPTION_KINDS = ("distribution", "handling", "control", "channel", "passing")


@dataclass(frozen=True, slots=True)
class TagInfo:
    """One row of the TAGS table."""

    code: str
    kind: TagKind
    meaning: str


@dataclass(frozen=True, slots=True)
class CaptionInfo:
    """One row of the captions table (T3)."""

    code: str
    kind: str  # one of CAPTION_KINDS
    meaning: str


def _check_tag_row(code: str, kind: TagKind, where: str) -> None:
    if not _CODE_RE.match(code):
        raise FormatError(f"tag code {code!r} is not 2-6 capital letters or digits",
                          source=where, rule="T5")
    if kind is TagKind.COUNTRY and not _COUNTRY_RE.match(code):
        raise FormatError(f"country tag {code!r} must be two letters", source=where, rule="T5")
    if kind is TagKind.PROGRAM and not (_FOUR_LETTER_RE.match(code) and code[0] == "K"):
        raise FormatError(f"program tag {code!r} must be four letters starting with K",
                          source=where, rule="T5")


def load_tags(path: Path = TAGS_CSV) -> dict[str, TagInfo]:
    """Read and validate a TAGS table (``code,kind,meaning``); codes must be unique."""
    out: dict[str, TagInfo] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if reader.fieldnames != ["code", "kind", "meaning"]:
            raise FormatError(f"header must be code,kind,meaning, not {reader.fieldnames}",
                              source=str(path), line=1)
        for row in reader:
            where = f"{path}:{reader.line_num}"
            code = (row["code"] or "").strip()
            try:
                kind = TagKind((row["kind"] or "").strip())
            except ValueError:
                raise FormatError(f"unknown tag kind {row['kind']!r} for {code!r}",
                                  source=where, rule="T5") from None
            _check_tag_row(code, kind, where)
            if code in out:
                raise FormatError(f"tag {code!r} listed twice", source=where, rule="T5")
            out[code] = TagInfo(code, kind, (row["meaning"] or "").strip())
    return out


def load_captions(path: Path = CAPTIONS_CSV) -> dict[str, CaptionInfo]:
    """Read and validate the captions table (``code,kind,meaning``)."""
    out: dict[str, CaptionInfo] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        for row in reader:
            where = f"{path}:{reader.line_num}"
            code = (row["code"] or "").strip()
            kind = (row["kind"] or "").strip()
            if kind not in CAPTION_KINDS:
                raise FormatError(f"unknown caption kind {kind!r} for {code!r}",
                                  source=where, rule="T3")
            if not code or code != code.upper():
                raise FormatError(f"caption {code!r} must be upper case", source=where, rule="T3")
            if code in out:
                raise FormatError(f"caption {code!r} listed twice", source=where, rule="T3")
            out[code] = CaptionInfo(code, kind, (row["meaning"] or "").strip())
    return out


@cache
def tags() -> dict[str, TagInfo]:
    """The shipped TAGS table, loaded once."""
    return load_tags()


@cache
def captions() -> dict[str, CaptionInfo]:
    """The shipped captions table, loaded once."""
    return load_captions()


def tag_info(code: str) -> TagInfo | None:
    return tags().get(code.strip().upper())


def kind_of(code: str) -> TagKind:
    """The kind of a TAGS entry: the table first, then the shape rules of T5.

    A tag with a comma names a person (``OVIP (RICE, CONDOLEEZZA)``); an
    unknown 2-letter tag is a country, an unknown 4-letter one starting with K a
    program, anything else a subject (organisations are only those the table
    lists), which is also what the telegram reader decides (formats/tags.py).
    """
    c = code.strip().upper()
    if "," in c:
        return TagKind.PERSON
    info = tags().get(c)
    if info is not None:
        return info.kind
    if _COUNTRY_RE.match(c):
        return TagKind.COUNTRY
    if _FOUR_LETTER_RE.match(c) and c[0] == "K":
        return TagKind.PROGRAM
    return TagKind.SUBJECT


def by_kind(kind: TagKind) -> list[TagInfo]:
    """Every shipped tag of one kind, in table order."""
    return [t for t in tags().values() if t.kind is kind]
