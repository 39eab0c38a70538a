"""Drafts: telegram text without the numbers release assigns, read line by line.

A draft is what a drafting officer writes (docs/messaging.md, "Drafts")::

    FM AMEMBASSY OSLO
    TO SECSTATE WASHDC IMMEDIATE
    INFO ALL NATO POST COLLECTIVE
    RUEHBY/AMEMBASSY CANBERRA PRIORITY
    XMT AMEMBASSY LONDON

    C O N F I D E N T I A L

    SIPDIS

    E.O. 12958: DECL: 05/16/2017
    TAGS: PREL NO
    SUBJECT: ...
    REF: STATE 1234
    Classified By: Ambassador Jane Doe for reasons 1.4 (b) and (d)

    1. (C) ...
    2. (U) ...

    DOE

No transmission id, DE line, DTG, message reference number or continuity
numbers: release assigns them (rules H2, H4, H6, T1, H9). This reader keeps
the line number of every part, so that validation can name the line of each
problem. It never raises on text; what it cannot read becomes a
:class:`Problem` of rule ``M0``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from cablegram.errors import FormatError
from cablegram.model import Level, Precedence
from cablegram.vocab.posts import normalise_pla

Role = Literal["to", "info", "xmt"]
Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Problem:
    """One validation finding: the rule broken, where, and what to do."""

    rule: str
    line: int | None
    message: str
    severity: Severity = "error"

    def format(self, source: str = "draft") -> str:
        where = f"{source}:{self.line}" if self.line is not None else source
        return f"{where}: {self.severity}: {self.message} [rule {self.rule}]"

    def as_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "line": self.line, "message": self.message,
                "severity": self.severity}


@dataclass(frozen=True, slots=True)
class DraftAddressee:
    """One ``[RI/]PLA [PRECEDENCE] [MCN]`` line of a draft (H8)."""

    role: Role
    pla: str
    ri: str | None
    precedence: Precedence
    line: int
    mcn: str | None = None  # must be absent: release assigns it (H9)
    written: str = ""


@dataclass(frozen=True, slots=True)
class DraftParagraph:
    number: int | None
    marking: str | None  # inside the parentheses, as written: "C", "S//NF"
    text: str
    line: int


@dataclass(slots=True)
class Draft:
    """A draft read into its parts, each with its line number (1-based)."""

    source: str = "draft"
    lines: list[str] = field(default_factory=list)
    originator: str | None = None
    originator_line: int | None = None
    addressees: list[DraftAddressee] = field(default_factory=list)
    classification_line: str | None = None
    classification_lineno: int | None = None
    level: Level | None = None
    banner_controls: tuple[str, ...] = ()
    captions: list[tuple[str, int]] = field(default_factory=list)
    eo: str | None = None
    eo_text: str | None = None
    eo_line: int | None = None
    declassify_on: date | None = None
    tags: tuple[str, ...] = ()
    tags_line: int | None = None
    subject: str | None = None
    subject_line: int | None = None
    references: str | None = None
    references_line: int | None = None
    classified_by: str | None = None
    classified_by_line: int | None = None
    reasons: tuple[str, ...] = ()
    paragraphs: list[DraftParagraph] = field(default_factory=list)
    signature: tuple[str, ...] = ()
    signature_line: int | None = None
    text_start: int = 0  # index into lines of the classification line
    problems: list[Problem] = field(default_factory=list)  # rule M0: unreadable parts

    @property
    def to(self) -> list[DraftAddressee]:
        return [a for a in self.addressees if a.role == "to"]

    @property
    def info(self) -> list[DraftAddressee]:
        return [a for a in self.addressees if a.role == "info"]

    @property
    def xmt(self) -> list[DraftAddressee]:
        return [a for a in self.addressees if a.role == "xmt"]

    @property
    def caveats(self) -> tuple[str, ...]:
        """Banner controls and caption lines, in order, without repeats (C2, T3)."""
        seen: list[str] = []
        for c in (*self.banner_controls, *(c for c, _ in self.captions)):
            if c not in seen:
                seen.append(c)
        return tuple(seen)

    @property
    def noforn(self) -> bool:
        return "NOFORN" in self.caveats

    @property
    def body_lines(self) -> list[str]:
        """The text after the classification line, as written (for release)."""
        return self.lines[self.text_start + 1:]


# H8: keywords that open addressee blocks, and the FM line.
_HEADER_KEY_RE = re.compile(r"^(?P<key>FM|TO|INFO|XMT)\s+(?P<rest>\S.*)$")
# H9: a continuity number or range at the end of an addressee line.
_MCN_RE = re.compile(r"\s+(?P<mcn>\d{4}(?:-\d{4})?)$")
# P1/H8: precedence words at the end of an addressee line, longest first.
_PREC_WORDS = ("NIACT IMMEDIATE", "NIACT IMMED", "IMMEDIATE", "IMMED", "PRIORITY", "ROUTINE",
               "FLASH")
_RI_PREFIX_RE = re.compile(r"^(?P<ri>[RQ][A-Z]{3,6}|ZEN)/(?P<pla>.+)$")
# Lines that only release writes (H2, H4, H6): their presence in a draft is a problem.
_ASSIGNED_RE = re.compile(r"^(?:VZCZC\w*|DE\s+[RQ][A-Z]{3,6}\s+#.*|[OPRZ](?:\s+[OPRZ])?\s+"
                          r"\d{6}Z\s+[A-Z]{3}\s+\d{2,4}|(?:OO|PP|RR|ZZ)\s+[RQ][A-Z ]+)$")
# T1: the first text line; letters may be spaced. MRN after it is release's job.
_CLASS_RE = re.compile(
    r"^(?P<banner>(?:T\s*O\s*P\s+S\s*E\s*C\s*R\s*E\s*T|S\s*E\s*C\s*R\s*E\s*T|"
    r"C\s*O\s*N\s*F\s*I\s*D\s*E\s*N\s*T\s*I\s*A\s*L|UNCLAS(?:SIFIED)?(?:\s+SENSITIVE)?|"
    r"LIMITED OFFICIAL USE|SENSITIVE BUT UNCLASSIFIED))"
    r"(?P<controls>(?:\s*//?\s*[A-Z][A-Z ]*)*)(?P<rest>(?:\s.*)?)$")
# T4: executive order line.
_EO_RE = re.compile(r"^E\.\s?O\.\s*(?P<eo>\d{5})\s*:\s*(?P<rest>.*)$", re.I)
_DECL_DATE_RE = re.compile(r"DECL(?:ASSIFY)?(?:\s+ON)?\s*:\s*(?P<m>\d{1,2})/(?P<d>\d{1,2})/"
                           r"(?P<y>\d{4})", re.I)
_TAGS_RE = re.compile(r"^TAGS\s*:\s*(?P<tags>.*)$")
_SUBJECT_RE = re.compile(r"^SUBJ(?:ECT)?\s*:\s*(?P<s>.*)$")
_REF_RE = re.compile(r"^REFS?\s*:\s*(?P<r>.*)$")
_CLASSIFIED_BY_RE = re.compile(r"^CLASSIFIED\s+BY\s*:?\s*(?P<c>.*)$", re.I)
# T8: "for reason(s) 1.4 (b) and (d)", "1.4 b, d", "1.4(b)(d)".
_REASONS_RE = re.compile(r"\b1\s*\.\s*[45]\s*(?P<letters>(?:[\s,&(]*(?:and\s+)?\(?[a-hA-H]\)?"
                         r"(?![A-Za-z]))+)")
# T9: a numbered paragraph with an optional portion mark.
_PARA_RE = re.compile(r"^(?P<n>\d{1,3})\.\s+(?:\((?P<mark>[A-Z][A-Z/ ]*)\)\s*)?(?P<text>.*)$")
_LEAD_MARK_RE = re.compile(r"^\((?P<mark>[A-Z][A-Z/ ]*)\)\s*(?P<text>.*)$")
# T11: a signature is a short line of capitals (a surname), last in the text.
_SIGNATURE_RE = re.compile(r"^[A-Z][A-Z'.-]*(?:\s+[A-Z][A-Z'.-]*){0,2}$")
# T3: captions a drafter may put on their own lines after the classification.
KNOWN_CAPTIONS = ("NOFORN", "NODIS", "EXDIS", "LIMDIS", "STADIS", "SIPDIS", "SENSITIVE",
                  "ROGER", "AGREMENT", "CHEROKEE", "NOT FOR INTERNET DISTRIBUTION")


def parse_addressee(role: Role, text: str, line: int) -> DraftAddressee:
    """Read ``[RI/]PLA [PRECEDENCE] [MCN]`` (H8); ROUTINE where no word is written."""
    t = " ".join(text.split())
    mcn = None
    m = _MCN_RE.search(t)
    if m:
        mcn, t = m["mcn"], t[:m.start()]
    precedence = Precedence.ROUTINE
    upper = t.upper()
    for word in _PREC_WORDS:
        if upper.endswith(" " + word):
            precedence = Precedence.parse(word)
            t = t[: -len(word) - 1].rstrip()
            break
    ri = None
    m = _RI_PREFIX_RE.match(t.upper())
    if m:
        ri, t = m["ri"], m["pla"]
    return DraftAddressee(role, normalise_pla(t), ri, precedence, line, mcn, text.strip())


def read_draft(text: str, source: str = "draft") -> Draft:
    """Read draft text into a :class:`Draft`; never raises (problems are recorded)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    d = Draft(source=source, lines=lines)
    i = _read_header(d, lines)
    _read_text(d, lines, i)
    return d


def _read_header(d: Draft, lines: list[str]) -> int:
    role: Role | None = None
    i = 0
    while i < len(lines):
        raw = lines[i].rstrip()
        s = raw.strip()
        n = i + 1
        if not s:
            if d.originator or d.addressees:
                return i
            i += 1
            continue
        if _CLASS_RE.match(s):
            return i
        if _ASSIGNED_RE.match(s):
            d.problems.append(Problem("M2", n, f"{s!r} is assigned at release; remove it "
                                      "from the draft"))
            i += 1
            continue
        m = _HEADER_KEY_RE.match(s)
        if m and m["key"] == "FM":
            if d.originator is not None:
                d.problems.append(Problem("M1", n, "a second FM line; a cable has one originator"))
            d.originator, d.originator_line = normalise_pla(m["rest"]), n
            role = None
        elif m:
            role = {"TO": "to", "INFO": "info", "XMT": "xmt"}[m["key"]]  # type: ignore[assignment]
            assert role is not None
            d.addressees.append(parse_addressee(role, m["rest"], n))
        elif role is not None:
            d.addressees.append(parse_addressee(role, s, n))
        else:
            d.problems.append(Problem("M0", n, f"cannot read {s!r}: the header holds only "
                                      "FM, TO, INFO and XMT lines (H1)"))
        i += 1
    return i


def _read_text(d: Draft, lines: list[str], i: int) -> None:
    while i < len(lines) and not lines[i].strip():
        i += 1
    if i >= len(lines):
        return
    first = lines[i].strip()
    m = _CLASS_RE.match(first)
    if m:
        d.classification_line, d.classification_lineno, d.text_start = first, i + 1, i
        d.level = Level.parse(m["banner"].replace("SENSITIVE BUT UNCLASSIFIED", "SBU")
                              .replace("UNCLAS SENSITIVE", "SBU")
                              .replace("LIMITED OFFICIAL USE", "LOU"))
        d.banner_controls = tuple(_control(c) for c in re.split(r"/+", m["controls"])
                                  if c.strip())
        if m["rest"].strip():
            d.problems.append(Problem("M2", i + 1, f"{m['rest'].strip()!r} after the "
                                      "classification: the message reference number and "
                                      "sections are assigned at release (T1)"))
        i += 1
    else:
        d.text_start = i - 1
        d.problems.append(Problem("M9", i + 1, f"expected the classification line, got "
                                  f"{first!r} (T1)"))
    _read_body(d, lines, i)


def _control(c: str) -> str:
    c = " ".join(c.split()).upper()
    return {"NF": "NOFORN"}.get(c, c)


def _block(lines: list[str], i: int, first: str) -> tuple[str, int]:
    """A field that continues on the following non-blank lines (T6, T7, T8)."""
    parts = [first.strip()]
    j = i + 1
    while j < len(lines) and lines[j].strip() and not _is_field_start(lines[j].strip()):
        parts.append(lines[j].strip())
        j += 1
    return " ".join(p for p in parts if p), j


def _is_field_start(s: str) -> bool:
    return bool(_EO_RE.match(s) or _TAGS_RE.match(s) or _SUBJECT_RE.match(s)
                or _REF_RE.match(s) or _CLASSIFIED_BY_RE.match(s) or _PARA_RE.match(s))


def _read_body(d: Draft, lines: list[str], i: int) -> None:
    body_start: int | None = None
    while i < len(lines):
        s = lines[i].strip()
        n = i + 1
        if not s:
            i += 1
            continue
        if body_start is None and (m := _EO_RE.match(s)):
            d.eo, d.eo_text, d.eo_line = m["eo"], m["rest"].strip(), n
            dm = _DECL_DATE_RE.search(s)
            if dm:
                try:
                    d.declassify_on = date(int(dm["y"]), int(dm["m"]), int(dm["d"]))
                except ValueError:
                    d.problems.append(Problem("M0", n, f"not a date: {dm.group(0)!r} (T4)"))
            i += 1
        elif body_start is None and (m := _TAGS_RE.match(s)):
            d.tags, d.tags_line = tuple(m["tags"].split()), n
            i += 1
        elif body_start is None and (m := _SUBJECT_RE.match(s)):
            d.subject, i = _block(lines, i, m["s"])
            d.subject_line = n
        elif body_start is None and (m := _REF_RE.match(s)):
            d.references, i = _block(lines, i, m["r"])
            d.references_line = n
        elif body_start is None and (m := _CLASSIFIED_BY_RE.match(s)):
            d.classified_by, i = _block(lines, i, m["c"])
            d.classified_by_line = n
            d.reasons = _reasons(d.classified_by)
        elif (body_start is None and d.eo_line is None and d.tags_line is None
              and s.upper() == s and len(s) < 80 and not _PARA_RE.match(s)):
            d.captions.append((_control(s), n))  # T3: captions and passing instructions
            i += 1
        else:
            body_start = i
            break
    if body_start is not None:
        _read_paragraphs(d, lines, body_start)


def _reasons(text: str) -> tuple[str, ...]:
    m = _REASONS_RE.search(text)
    if not m:
        return ()
    return tuple(dict.fromkeys(c.lower() for c in re.findall(r"(?<![A-Za-z])([a-hA-H])(?![A-Za-z])",
                                                             m["letters"])))


def _read_paragraphs(d: Draft, lines: list[str], start: int) -> None:
    # T11: the signature is the last non-blank line when it reads like a surname.
    end = len(lines)
    while end > start and not lines[end - 1].strip():
        end -= 1
    if end > start and _SIGNATURE_RE.match(lines[end - 1].strip()):
        d.signature, d.signature_line = (lines[end - 1].strip(),), end
        end -= 1
    current: tuple[int | None, str | None, list[str], int] | None = None
    paras: list[DraftParagraph] = []

    def flush() -> None:
        if current is not None:
            num, mark, buf, ln = current
            paras.append(DraftParagraph(num, mark, " ".join(" ".join(buf).split()), ln))

    for i in range(start, end):
        s = lines[i].strip()
        m = _PARA_RE.match(s)
        if m:
            flush()
            current = (int(m["n"]), m["mark"], [m["text"]], i + 1)
        elif current is None:
            if not s:
                continue
            lm = _LEAD_MARK_RE.match(s)
            current = (None, lm["mark"] if lm else None, [lm["text"] if lm else s], i + 1)
        else:
            current[2].append(s)
    flush()
    d.paragraphs = paras


# -- JSON drafts ---------------------------------------------------------------

def draft_text_from_json(doc: dict[str, Any], source: str = "draft.json") -> str:
    """Write a JSON draft as draft text (one reader and one validator for both forms).

    Keys: ``from``, ``to``/``info``/``xmt`` (lists of strings or
    ``{"address", "precedence"}``), ``classification``, ``captions``, ``eo``,
    ``decl``, ``tags``, ``subject``, ``ref``, ``classified_by``,
    ``paragraphs`` (strings or ``{"marking", "text"}``), ``signature``.
    """
    if not isinstance(doc, dict):
        raise FormatError("a JSON draft is an object", source=source)
    out: list[str] = []
    if doc.get("from"):
        out.append(f"FM {doc['from']}")
    for role in ("to", "info", "xmt"):
        items = doc.get(role) or []
        if isinstance(items, str):
            items = [items]
        for k, item in enumerate(items):
            if isinstance(item, dict):
                addr = str(item.get("address", ""))
                prec = str(item.get("precedence", "") or "")
                text = f"{addr} {prec}".strip() if prec.upper() != "ROUTINE" else addr
            else:
                text = str(item)
            out.append(f"{role.upper()} {text}" if k == 0 else text)
    out.append("")
    level = str(doc.get("classification", "UNCLASSIFIED")).upper()
    lvl = Level.parse(level)
    out.append(lvl.spaced if lvl >= Level.CONFIDENTIAL else
               ("UNCLAS SENSITIVE" if lvl is Level.SBU else "UNCLAS"))
    out.append("")
    for cap in doc.get("captions") or []:
        out += [str(cap), ""]
    eo = str(doc.get("eo", "12958"))
    out.append(f"E.O. {eo}: DECL: {doc['decl']}" if doc.get("decl") else f"E.O. {eo}: N/A")
    tags = doc.get("tags") or []
    out.append("TAGS: " + (" ".join(tags) if isinstance(tags, list) else str(tags)))
    if doc.get("subject"):
        out.append(f"SUBJECT: {doc['subject']}")
    out.append("")
    refs = doc.get("ref")
    if refs:
        out += ["REF: " + (" ".join(refs) if isinstance(refs, list) else str(refs)), ""]
    if doc.get("classified_by"):
        out += [f"Classified By: {doc['classified_by']}", ""]
    paras = doc.get("paragraphs") or []
    for k, p in enumerate(paras, start=1):
        mark, body = (p.get("marking"), str(p.get("text", ""))) if isinstance(p, dict) else \
            (None, str(p))
        prefix = f"({mark}) " if mark else ""
        out += [f"{k}. {prefix}{body}" if len(paras) > 1 else f"{prefix}{body}", ""]
    if doc.get("signature"):
        out.append(str(doc["signature"]).upper())
    return "\n".join(out) + "\n"


def load_draft(text: str, source: str = "draft") -> Draft:
    """Read a draft in either form: JSON (starts with ``{``) or draft text."""
    if text.lstrip().startswith("{"):
        try:
            doc = json.loads(text)
        except ValueError as exc:
            raise FormatError(f"not valid JSON: {exc}", source=source) from exc
        text = draft_text_from_json(doc, source)
    return read_draft(text, source)
