"""The opening of a telegram's text: classification line, captions, E.O.,
TAGS, SUBJECT, REF and the classified-by block (rules T1-T8, C2)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from cablegram.model import ClassifiedBy, Level, Reference, ReferenceId
from cablegram.model.fastinit import fast_init

# --- T1: the first text line ------------------------------------------------
# Level words spaced (``C O N F I D E N T I A L``) or not, any case (a few
# pages write ``S e c r e t``). One page drops the leading S of the spaced
# SECRET (``E C R E T SECTION 01 OF 03 BAGHDAD 000146``); the reader accepts it
# with a warning.
_LEVEL_ALTERNATIVES = (
    r"T\s?O\s?P\s+S\s?E\s?C\s?R\s?E\s?T"
    r"|C\s?O\s?N\s?F\s?I\s?D\s?E\s?N\s?T\s?I\s?A\s?L"
    r"|S{0,2}\s?E\s?C\s?R\s?E\s?T"
    r"|UNCLASSIFIED\s*//\s*FOR\s+OFFICIAL\s+USE\s+ONLY"
    r"|UNCLAS(?:SIFIED)?(?:\s+SENSITIVE)?|SBU|LIMITED\s+OFFICIAL\s+USE"
)
# C2: controls written on the first line (``SECRET//NOFORN``, ``S E C R E T NOFORN``).
_CONTROL_WORDS = r"NOFORN|NF|FGI|ORCON|PROPIN|MR|REL\s+TO\s+[A-Z, ]+?"
T1_CLASSIFICATION_LINE_RE = re.compile(
    rf"^(?P<level>{_LEVEL_ALTERNATIVES})"
    rf"(?P<controls>(?:\s*//?\s*(?:{_CONTROL_WORDS}))*|\s+NOFORN)"
    r"(?:\s+SECTION\s+(?P<sec>\d{1,3})\s+OF\s+(?P<of>\d{1,3}))?"
    r"\s+(?P<mrn>(?:(?P<yy>\d{2})\s+)?(?P<origin>[A-Z][A-Z .'-]*?)\s+(?P<serial>\d{1,7}))\s*$",
    re.IGNORECASE,
)
# T1: a classification line without a message reference number, as a draft
# writes it before release numbers it (``C O N F I D E N T I A L``, ``SECRET
# SECTION 01 OF 02``, ``UNCLAS``). Read only when no full line follows.
T1_LEVEL_ONLY_RE = re.compile(
    rf"^(?P<level>{_LEVEL_ALTERNATIVES})"
    rf"(?P<controls>(?:\s*//?\s*(?:{_CONTROL_WORDS}))*|\s+NOFORN)"
    r"(?:\s+SECTION\s+(?P<sec>\d{1,3})\s+OF\s+(?P<of>\d{1,3}))?\s*$",
    re.IGNORECASE,
)
# A page banner: the level alone on a line (1970s pages, H10).
T1_BARE_LEVEL_RE = re.compile(rf"^(?:{_LEVEL_ALTERNATIVES})$", re.IGNORECASE)

_ADMIN_CONTROLS = {
    "UNCLASSENSITIVE": "SBU", "UNCLASSIFIEDSENSITIVE": "SBU", "SBU": "SBU",
    "LIMITEDOFFICIALUSE": "LIMITED OFFICIAL USE",
    "UNCLASSIFIEDFOROFFICIALUSEONLY": "FOR OFFICIAL USE ONLY",
}


@fast_init
@dataclass(frozen=True, slots=True)
class FirstLine:
    """What the classification line says (T1, C2)."""

    level: Level
    admin_control: str | None
    controls: tuple[str, ...]
    rel_to: tuple[str, ...]
    section: tuple[int, int] | None
    mrn: str
    origin: str
    serial: int
    year: int | None  # a two-digit year written in the MRN (``75 LIBREVILLE 1895``)
    dropped_s: bool  # ``E C R E T`` (the leading S missing)
    bare: bool = False  # no message reference number (a draft's line): mrn, origin empty


# Precompiled (speed): the classification line is read for every cable.
_NOT_A_LETTER_RE = re.compile(r"[^A-Z]")
_CONTROL_SPLIT_RE = re.compile(r"\s*//?\s*|\s+(?=NOFORN)")


def read_first_line(line: str, *, bare: bool = False) -> FirstLine | None:
    """The classification line (T1); ``bare=True`` reads one without an MRN."""
    m = (T1_LEVEL_ONLY_RE if bare else T1_CLASSIFICATION_LINE_RE).match(line.strip())
    if m is None:
        return None
    level, admin, controls, rel_to, dropped_s = _level_and_controls(m["level"], m["controls"])
    section = (int(m["sec"]), int(m["of"])) if m["sec"] else None
    # Arguments by position, in the order of FirstLine's fields (speed: ten
    # keywords cost more than the whole rest of the reading).
    if bare:  # level, admin_control, controls, rel_to, section, mrn, origin, serial, ...
        return FirstLine(level, admin, controls, rel_to, section, "", "", 0, None, dropped_s,
                         True)
    origin = _NOT_A_LETTER_RE.sub("", m["origin"].upper())
    if origin == "SECSTATE":
        origin = "STATE"
    yy = m["yy"]  # ... year, dropped_s
    return FirstLine(level, admin, controls, rel_to, section, " ".join(m["mrn"].split()),
                     origin, int(m["serial"]), int(yy) if yy else None, dropped_s)


# The level and controls as written repeat from cable to cable (speed, issue 2).
@lru_cache(maxsize=256)
def _level_and_controls(level_text: str, controls_text: str
                        ) -> tuple[Level, str | None, tuple[str, ...], tuple[str, ...], bool]:
    """Level, admin control, controls, REL TO countries and ``dropped_s`` (T1, C2)."""
    key = _NOT_A_LETTER_RE.sub("", level_text.upper())
    dropped_s = key in ("ECRET", "SSECRET")
    admin = _ADMIN_CONTROLS.get(key)
    level = Level.SBU if admin else Level.parse("SECRET" if dropped_s else key)
    controls: list[str] = []
    rel_to: tuple[str, ...] = ()
    for c in _CONTROL_SPLIT_RE.split(controls_text.strip().upper()):
        c = " ".join(c.split())
        if not c:
            continue
        if c == "NF":
            c = "NOFORN"
        if c.startswith("REL TO"):
            rel_to = tuple(x.strip() for x in c[6:].split(",") if x.strip())
            c = "REL TO"
        if c not in controls:
            controls.append(c)
    return level, admin, tuple(controls), rel_to, dropped_s


# --- T3: captions ------------------------------------------------------------
CAPTION_WORDS = frozenset({
    "SIPDIS", "NOFORN", "NODIS", "EXDIS", "LIMDIS", "STADIS", "SENSITIVE", "ROGER",
    "AGREMENT", "CHEROKEE", "NOCONTRACT", "ORCON", "PROPIN", "TERREP", "DISSENT",
    "EXCON", "CODEL", "DECAPTIONED",
})
_CAPTION_SPLIT_RE = re.compile(r"[\s,;/]+")
_CAPTION_FIRST_WORD_RE = re.compile(r"[^\s,;/]+")


# T3: agency handling captions such as ``DEA SENSITIVE`` mark SBU traffic.
_T3_SENSITIVE_RE = re.compile(r"^(?:[A-Z]+\s){0,2}SENSITIVE$")


def split_captions(line: str) -> tuple[list[str], str]:
    """Leading caption words of a line (T3) and what follows them (passing text)."""
    s = line.strip()
    if "SENSITIVE" in s and _T3_SENSITIVE_RE.match(s):
        return [" ".join(line.split())], ""
    # Most lines do not start with a caption: look at the first word before
    # splitting them all (speed, issue 2).
    first = _CAPTION_FIRST_WORD_RE.match(s)
    if first is None or first[0].upper().strip(".") not in CAPTION_WORDS:
        return [], s
    words = _CAPTION_SPLIT_RE.split(s)
    caps: list[str] = []
    i = 0
    for w in words:
        u = w.upper().strip(".")
        if u in CAPTION_WORDS:
            caps.append(u)
            i += 1
        else:
            break
    if not caps:
        return [], line.strip()
    rest_words = words[i:]
    return caps, " ".join(rest_words).strip()


# --- T4: E.O. line -----------------------------------------------------------
T4_EO_RE = re.compile(r"^E\s?\.?\s?O\.?\s*(?P<eo>\d{4,5})\b\s*:?\s*(?P<rest>.*)$", re.IGNORECASE)
_T4_MDY_RE = re.compile(r"\b(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>\d{4}|\d{2})\b")
_T4_YMD_RE = re.compile(r"\b(?P<y>\d{4})/(?P<m>\d{1,2})/(?P<d>\d{1,2})\b")


def read_declassify_on(instruction: str) -> date | None:
    """The declassify-on date of a ``DECL:``, ``DNG:`` or ``GDS`` instruction (T4)."""
    u = instruction.upper()
    if not (u.startswith(("DECL", "DNG", "GDS", "XGDS", "NGDS")) and "DECLASSIFIED" not in u):
        return None
    m = _T4_YMD_RE.search(u) or _T4_MDY_RE.search(u)
    if m is None:
        return None
    y = int(m["y"])
    if y < 100:
        y += 1900 if y >= 66 else 2000
    try:
        return date(y, int(m["m"]), int(m["d"]))
    except ValueError:
        return None


# --- T6: SUBJECT -------------------------------------------------------------
T6_SUBJECT_RE = re.compile(r"^SUBJ(?:ECT)?\s*:\s*(?P<rest>.*)$|^SUBJECT\s+(?P<rest2>.*)$",
                           re.IGNORECASE)
_T6_MARKING_RE = re.compile(r"^(?P<mark>\((?:TS|S|C|U|SBU|LOU|FOUO)(?://?[A-Z]+)*\))\s*",
                            re.IGNORECASE)


def split_subject_marking(subject: str) -> tuple[str | None, str]:
    m = _T6_MARKING_RE.match(subject)
    if m is None:
        return None, subject
    return m["mark"], subject[m.end():]


# --- T5: TAGS ----------------------------------------------------------------
T5_TAGS_RE = re.compile(r"^TAGS?\b\s*:?\s*(?P<rest>.*)$", re.IGNORECASE)

# --- T7: REF -----------------------------------------------------------------
T7_REF_RE = re.compile(r"^REFS?\b\s*:?\s*(?P<rest>.*)$", re.IGNORECASE)
# A lettered item: ``A. ``, ``A) ``, ``(A) ``; the letter is followed by a space.
_T7_LETTER_RE = re.compile(r"(?:(?<=^)|(?<=[\s;]))(?:\((?P<p>[A-Z])\)|(?P<l>[A-Z])[.)])(?=\s)")
T7_LETTER_START_RE = re.compile(r"^(?:\([A-Z]\)|[A-Z][.)])\s")
# A cable reference: [year] origin serial, e.g. ``06 PARIS 5733``, ``SECSTATE 64981``.
# 1970s texts may set a dash before the serial: ``REF: STATE -097844``
# (1974ATHENS02959 citing 74STATE97844).
_T7_CABLE_RE = re.compile(
    r"^(?:(?P<year>\d{2}|\d{4})\s+)?(?P<origin>[A-Z][A-Z]+(?:\s[A-Z]+){0,2}?)\s+-?"
    r"(?P<serial>\d{1,7})(?![\d/.-]\d)\b"
)


def read_references(text: str, year: int | None) -> tuple[Reference, ...]:
    """Split a REF block into references (T7); a year-less cable reference takes ``year``."""
    text = " ".join(text.split())
    if not text:
        return ()
    items: list[tuple[str | None, str]] = []
    marks = list(_T7_LETTER_RE.finditer(text))
    # Letters must run A, B, C ... to count as a list (a stray "A." is prose).
    letters: list[re.Match[str]] = []
    for m in marks:
        letter = m["p"] or m["l"]
        if ord(letter) - ord("A") == len(letters):
            letters.append(m)
    if letters and letters[0].start() == 0:
        for i, m in enumerate(letters):
            end = letters[i + 1].start() if i + 1 < len(letters) else len(text)
            items.append((m["p"] or m["l"], text[m.end():end].strip(" ;,")))
    else:
        items = [(None, part.strip()) for part in text.split(";") if part.strip()]
    out = []
    for letter, item in items:
        for part in _split_cable_list(item):
            out.append(Reference(text=part, letter=letter, id=_cable_id(part, year)))
    return tuple(out)


# T7: several cables in one item, ``TEHRAN 1091: TEHRAN 263: MOSCOW 1603``,
# ``ALGIERS 110 AND ALGIERS 140``, ``STATE 1234, STATE 5678``. Split only when
# every piece is a whole cable reference: ``STATE CA-3400 NOV 2, 1966`` and
# ``PARIS 8760 AND PREVIOUS`` stay one reference.
_T7_LIST_SEPARATOR_RE = re.compile(r"\s*[:,]\s*|\s+AND\s+", re.IGNORECASE)
_T7_WHOLE_CABLE_RE = re.compile(
    r"^(?:(?:\d{2}|\d{4})\s+)?[A-Z][A-Z]+(?:\s[A-Z]+){0,2}?\s+\d{1,7}$", re.IGNORECASE
)


def _split_cable_list(item: str) -> list[str]:
    if not (":" in item or "," in item or " AND " in item.upper()):
        return [item]
    parts = [p for p in _T7_LIST_SEPARATOR_RE.split(item) if p]
    if len(parts) > 1 and all(_T7_WHOLE_CABLE_RE.match(p) for p in parts):
        return parts
    return [item]


def _cable_id(item: str, year: int | None) -> ReferenceId | None:
    m = _T7_CABLE_RE.match(item.upper())
    if m is None:
        return None
    y = m["year"]
    yy = int(y) % 100 if y else (year % 100 if year is not None else None)
    if yy is None:
        return None
    origin = m["origin"].replace(" ", "")
    if origin in ("SECSTATE", "DEPT", "DEPARTMENT"):
        origin = "STATE"
    return ReferenceId(yy, origin, int(m["serial"]))


# --- T8: Classified By ----------------------------------------------------------
T8_CLASSIFIED_BY_RE = re.compile(r"^CLASSIFIED\s+BY\b\s*:?\s*(?P<rest>.*)$", re.IGNORECASE)
_T8_REASONS_RE = re.compile(
    r"[,.;]?\s*(?:for\s+)?(?:the\s+)?reasons?\s*:?\s*(?P<auth>1\.[45])?(?P<letters>.*)$",
    re.IGNORECASE,
)
_T8_AUTH_RE = re.compile(r"\b(?P<auth>1\.[45])\s*(?P<letters>.*)$")
_T8_LETTER_RE = re.compile(r"(?<![A-Za-z])\(?([a-hA-H])\)?(?![A-Za-z])")
_T8_TITLE_WORDS = frozenset({
    "AMBASSADOR", "CHARGE", "DCM", "CDA", "POLCOUNS", "POLOFF", "CONSUL", "DIRECTOR",
    "SECRETARY", "ECONCOUNS", "PRINCIPAL", "MINISTER", "COUNSELOR", "ACTING",
})


def _search_reasons(text: str) -> re.Match[str] | None:
    """``_T8_REASONS_RE.search(text)`` of a whitespace-normalised text, started
    near the first ``reason`` (speed: the pattern is tried at every position).
    A match holds at most 10 characters before that word (``, for the ``); in
    ASCII text no other character matches it ignoring case (``ſ`` would)."""
    if text.isascii():
        first = text.lower().find("reason")
        if first < 0:
            return None
        return _T8_REASONS_RE.search(text, max(0, first - 10))
    return _T8_REASONS_RE.search(text)


def read_classified_by(text: str) -> ClassifiedBy:
    """Title, name, authority and reason letters of a classified-by block (T8)."""
    text = " ".join(text.split())
    who = text
    authority = None
    reasons: tuple[str, ...] = ()
    m = _search_reasons(text)
    letters_text = None
    if m is not None and (m["auth"] or m.start() > 0):
        who = text[:m.start()]
        authority = m["auth"]
        letters_text = m["letters"]
    else:
        a = _T8_AUTH_RE.search(text)
        if a is not None:
            who = text[:a.start()]
            authority = a["auth"]
            letters_text = a["letters"]
    if letters_text is not None:
        if authority is None:
            a = _T8_AUTH_RE.search(letters_text)
            if a is not None:
                authority = a["auth"]
                letters_text = a["letters"]
        found: list[str] = []
        for lm in _T8_LETTER_RE.finditer(letters_text):
            c = lm.group(1).lower()
            if c not in found:
                found.append(c)
        reasons = tuple(found)
    who = who.strip(" ,.;:")
    title: str | None = None
    name: str | None = who or None
    if "," in who:
        t, _, n = who.partition(",")
        title, name = t.strip() or None, n.strip() or None
    else:
        words = who.split()
        if len(words) > 1 and ("/" in words[0] or words[0].upper().strip(".") in _T8_TITLE_WORDS):
            title, name = words[0], " ".join(words[1:])
    return ClassifiedBy(text=text, name=name, title=title, reasons=reasons, authority=authority)
