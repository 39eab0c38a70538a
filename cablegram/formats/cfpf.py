"""NARA Central Foreign Policy File bodies with entity markup (corpus/cfpf-bodies).

A file is: a numbered entity list (``1. HUGO BANZER   PER.INDIVIDUAL``), a
``@@@`` line, the telegram body with inline mentions ``[[MENTION || n]]`` (n
is the entity number), then a trailer::

    *** Current Handling Restrictions *** n/a
    *** Current Classification *** UNCLASSIFIED

The markup is hand-made and not always balanced: mentions nest
(``[[[[BOLIVIAN || 2]] JUDICIARY || 4]]``), a ``|| n`` may lack its ``]]``, a
``[[`` may never close. Stripping keeps every character of the text and drops
only the markup; each mention is kept with its entity number and its offsets
in the stripped text, and every imbalance is reported as a warning.

The bodies carry no header, so the reference id comes from the file name
(``1973LAPAZ03608`` -> ``73LAPAZ3608``) with a warning (T2).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from cablegram.errors import RuleError
from cablegram.model import Cable, Level, ParseWarning, ReferenceId, Source

FORMAT = "cfpf"

# The separator between the entity list and the text: three or more @ alone on a line.
SEPARATOR_RE = re.compile(r"^[ \t]*@{3,}[ \t\r]*$", re.MULTILINE)
# An entity line: ``1. HUGO BANZER        PER.INDIVIDUAL`` or ``1<TAB>ISRAEL<TAB>GPE.NATION``;
# the type is the last word when it looks like ``XXX`` or ``XXX.YYY``; it may be missing.
ENTITY_RE = re.compile(
    r"^\s*(?P<n>\d+)\.?\s+(?P<name>.*?)(?:\s+(?P<type>[A-Z]{2,4}(?:\.[A-Z]+)?))?\s*$"
)
# The trailer lines: ``*** Current Classification *** UNCLASSIFIED``. Some files
# drop the leading stars or add trailing ones (``Current Classification ***
# CONFIDENTIAL``, ``*** Current Handling Restrictions *** n/a ***``); without the
# leading stars only a ``Current ...`` key counts, so text is never taken for one.
TRAILER_RE = re.compile(
    r"^\s*(?:\*\*\*\s*(?P<key>[^*]+?)|(?P<bare>Current [^*]+?))\s*\*\*\*"
    r"\s*(?P<value>[^*]*?)\s*(?:\*\*\*\s*)?$"
)
# Mention markup tokens: an opening ``[[``, a closing ``|| n ]]``, a ``|| n``
# without its brackets, or a bare ``]]``.
# The padding inside the brackets (``[[ US || 8]]``) belongs to the markup, not the text.
MARKUP_RE = re.compile(
    r"\[\[(?P<pad>[ \t]*)"
    r"|[ \t]*(?:\|\|[ \t]*)+(?P<close>\d*)[ \t]*\]\]"
    r"|[ \t]*(?:\|\|[ \t]*)+(?P<bare>\d+)"
    r"|\]\]"
)
# A file name of the NARA form: 4-digit year, origin (abbreviated), 5-6 digit serial.
FILE_ID_RE = re.compile(r"^(?P<year>\d{4})(?P<origin>[A-Z]+)(?P<serial>\d+)")

Parser = Callable[[str, Source], Cable]


@dataclass(frozen=True, slots=True)
class Stripped:
    """The text without markup, the mentions found and what was unbalanced."""

    text: str
    mentions: tuple[dict[str, Any], ...]
    problems: tuple[str, ...] = field(default=())


def strip_mentions(marked: str) -> Stripped:
    """Remove ``[[mention || n]]`` markup, keeping each mention's entity and offsets."""
    out: list[str] = []
    length = 0
    stack: list[int] = []  # offsets in the output where a ``[[`` opened
    mentions: list[dict[str, Any]] = []
    problems: list[str] = []
    pos = 0
    for m in MARKUP_RE.finditer(marked):
        chunk = marked[pos:m.start()]
        out.append(chunk)
        length += len(chunk)
        pos = m.end()
        tok = m.group(0)
        if tok.startswith("[["):
            # ``1.[[ BRANIFF`` keeps one space where the padding separated words.
            if m.group("pad") and chunk and not chunk[-1].isspace():
                out.append(" ")
                length += 1
            stack.append(length)
            continue
        number = m.group("close") if m.group("close") is not None else m.group("bare")
        if not stack:
            problems.append(f"markup {tok!r} at character {m.start()} closes no mention")
            continue
        if m.group("bare") is not None:
            problems.append(f"markup {tok!r} at character {m.start()} lacks its ']]'")
        start = stack.pop()
        text = "".join(out)[start:length]
        mention: dict[str, Any] = {"text": text.strip(), "start": start, "end": length}
        if number:
            mention["entity"] = int(number)
        mentions.append(mention)
    tail = marked[pos:]
    out.append(tail)
    for start in stack:
        problems.append(f"a '[[' opened at character {start} of the text is never closed")
    mentions.sort(key=lambda x: (x["start"], -x["end"]))
    return Stripped("".join(out), tuple(mentions), tuple(problems))


def parse_entities(block: str) -> list[dict[str, Any]]:
    """The numbered entity list: ``[{"n": 1, "name": "HUGO BANZER", "type": "PER.INDIVIDUAL"}]``."""
    entities: list[dict[str, Any]] = []
    for line in block.splitlines():
        line = line.replace("\ufeff", "")
        if not line.strip():
            continue
        m = ENTITY_RE.match(line)
        if not m:
            entities.append({"n": None, "name": line.strip(), "type": None})
            continue
        name, etype = m.group("name").strip(), m.group("type")
        if not name and etype:  # ``14  GPE.NATION`` with no name: the word is the name
            name, etype = etype, None
        entities.append({"n": int(m.group("n")), "name": name, "type": etype})
    return entities


def split_trailer(text: str) -> tuple[str, dict[str, str]]:
    """Split the ``*** key *** value`` lines off the end of the text."""
    lines = text.split("\n")
    trailer: dict[str, str] = {}
    while lines:
        last = lines[-1]
        m = TRAILER_RE.match(last)
        if m:
            trailer[m.group("key") or m.group("bare")] = m.group("value")
            lines.pop()
        elif not last.strip():
            lines.pop()
        else:
            break
    return "\n".join(lines), dict(reversed(list(trailer.items())))


def id_from_name(name: str | None) -> ReferenceId | None:
    """``1973LAPAZ03608.txt`` -> ``73LAPAZ3608`` (NARA document number, T2)."""
    if not name:
        return None
    stem = PurePath(name.split("!")[-1]).name.split(".")[0].upper()
    m = FILE_ID_RE.match(stem)
    if not m:
        return None
    return ReferenceId(int(m["year"]) % 100, m["origin"], int(m["serial"]))


# A closed mention ``|| 12]]`` (detect.py counts them).
MENTION_CLOSE_RE = re.compile(r"\|\|\s*\d+\s*\]\]")


def looks_like_cfpf(text: str) -> bool:
    """A separator line and a mention, or (1979BRUSSE18834 has no ``@@@``) two mentions."""
    closes = len(MENTION_CLOSE_RE.findall(text, 0, 200_000))
    return closes >= 2 or (closes >= 1 and bool(SEPARATOR_RE.search(text)))


def split_entity_list(text: str) -> tuple[str, str]:
    """Without a ``@@@`` line: the leading lines that read as typed entities are the list."""
    lines = text.split("\n")
    end = 0
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        m = ENTITY_RE.match(line)
        if m is None or m.group("type") is None or "[[" in line:
            break
        end = i + 1
    return "\n".join(lines[:end]), "\n".join(lines[end:])


def _default_parser(text: str, source: Source) -> Cable:
    from cablegram.formats.telegram import parse_telegram

    return parse_telegram(text, source=source)


def parse_cfpf(text: str, *, path: str | None = None, parser: Parser | None = None,
               strict_parser: Parser | None = None) -> Cable:
    """Read one CFPF body: strip the markup, parse the telegram text, keep the rest.

    ``parser`` must be lenient: the bodies lack their classification line, and
    the first reading tells whether one has to be supplied. With
    ``strict_parser`` (strict mode) the text finally chosen is read again
    strictly, and unbalanced markup raises :class:`RuleError` too.
    """
    text = text.lstrip("\ufeff")
    sep = SEPARATOR_RE.search(text)
    if sep:
        entity_block, body = text[:sep.start()], text[sep.end():]
    else:
        entity_block, body = split_entity_list(text)
    body, trailer = split_trailer(body)
    stripped = strip_mentions(body)
    clean = stripped.text.strip("\n")
    offset = len(stripped.text) - len(stripped.text.lstrip("\n"))
    mentions = [
        {**m, "start": max(0, m["start"] - offset), "end": max(0, m["end"] - offset)}
        for m in stripped.mentions
    ]
    meta: dict[str, Any] = {
        "entities": parse_entities(entity_block),
        "mentions": mentions,
        "trailer": trailer,
    }
    if "Current Classification" in trailer:
        meta["current_classification"] = trailer["Current Classification"]
    if "Current Handling Restrictions" in trailer:
        meta["current_handling"] = trailer["Current Handling Restrictions"]
    if not sep:
        meta["separator"] = "missing"
    source = Source(format=FORMAT, path=path, metadata=meta)
    parse = parser or _default_parser
    cable = parse(clean, source)
    file_id = id_from_name(path)
    if cable.classification_line is None and not cable.paragraphs and file_id is not None:
        cable = _read_as_body(clean, source, strict_parser or parse, file_id, trailer)
    elif strict_parser is not None:
        cable = strict_parser(clean, source)
    if strict_parser is not None and stripped.problems:
        raise RuleError(f"unbalanced entity markup: {stripped.problems[0]}", source=path,
                        rule="cfpf")
    warnings = list(cable.warnings)
    warnings.extend(ParseWarning("cfpf", p) for p in stripped.problems)
    if not sep:
        warnings.append(ParseWarning("cfpf", "no '@@@' line after the entity list; took the "
                                             "leading typed entity lines as the list"))
    ref = cable.reference_id
    if ref is None:
        ref = file_id
        if ref is not None:
            warnings.append(ParseWarning("T2", f"reference id {ref} derived from the file "
                                               "name; the text has none"))
    return dataclasses.replace(cable, reference_id=ref, source=source, warnings=tuple(warnings))


def _read_as_body(clean: str, source: Source, parse: Parser, file_id: ReferenceId,
                  trailer: dict[str, str]) -> Cable:
    """Read a body that lacks its classification line (T1) as the text of a cable.

    The bodies start at the first paragraph, and the telegram reader skips
    whatever comes before a classification line. So it is given one, built from
    NARA's current classification and the file's document number, and the
    result is taken back to the real text: raw is the body as read, the
    supplied line is dropped again, and a warning says where the level came from.
    """
    current = trailer.get("Current Classification", "")
    try:
        level = Level.parse(current)
    except ValueError:
        level = Level.UNCLASSIFIED
    word = "UNCLASSIFIED" if level <= Level.SBU else level.label
    line = f"{word} {file_id.origin} {file_id.serial}"
    cable = parse(f"{line}\n\n{clean}", source)
    cleaned = cable.cleaned
    if cleaned.startswith(line):
        cleaned = cleaned[len(line):].lstrip("\n")
    warnings = [dataclasses.replace(w, line=w.line - 2) if w.line and w.line > 2 else w
                for w in cable.warnings]
    warnings.append(ParseWarning("T1", f"the body has no classification line; its level "
                                       f"{word} is NARA's current classification"))
    return dataclasses.replace(cable, raw=clean, cleaned=cleaned, classification_line=None,
                               mrn=None, warnings=tuple(warnings))
