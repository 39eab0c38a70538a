"""The transmission header of a telegram: ACP 127 format lines (rules H1-H10).

Line recognisers and small value readers; the line loop lives in
``telegram.py``. Every pattern is named after the rule it implements.
"""

from __future__ import annotations

import re
from functools import lru_cache

from cablegram.model import Addressee, Precedence

# H2: ``VZCZC`` + 3-letter channel designator + 4-digit channel sequence.
H2_TRANSMISSION_ID_RE = re.compile(r"^VZCZC[A-Z]{3}\d{4}$")
# H3: doubled precedence letters then the routing indicators of this copy.
H3_ROUTING_RE = re.compile(r"^(?P<prec>ZZ|OO|PP|RR)(?P<ris>(?:\s+[RQ][A-Z]{3,6})*)\s*$")
# H3: a routing line that wrapped holds routing indicators only.
H3_RI_ONLY_RE = re.compile(r"^[RQ][A-Z]{3,6}(?:\s+[RQ][A-Z]{3,6})*$")
# H4: ``DE <RI> #<serial>[/<section>] <JJJHHMM>``.
H4_DE_RE = re.compile(
    r"^DE\s+(?P<ri>[A-Z]{4,7})\s+#\s?(?P<serial>\d{1,5})(?:/(?P<section>\d{1,3}))?"
    r"(?:\s+(?P<tof>\d{7}))?\s*$"
)
# H5: security warning and operating signals.
# Anything after the signals (``(CCY AD38C2C4 MSI2519-695)`` on corrected copies) is
# kept as one more signal, as written.
H5_SECURITY_RE = re.compile(
    r"^(?P<warning>ZN[RY]\s+[UECST]{5})(?P<signals>(?:\s+[A-Z0-9]{3,4}(?=\s|$))*)\s*(?P<rest>.*)$"
)
# H6: ``[prosigns] DDHHMMZ MON YY [operating signals]``. 1970s texts may put a
# space before the Z (``P R 221828 Z MAY 73``, H10); ``dtg_text`` drops it.
H6_DTG_LINE_RE = re.compile(
    r"^(?P<prosigns>(?:[ZOPR]\s+){0,3})(?P<dtg>\d{6}\s?Z\s+[A-Za-z]{3}\s+\d{2,4})"
    r"(?P<signals>(?:\s+[A-Z0-9]{3,5})*)\s*$"
)
# H1: tape signals left at the end of 1970s texts, after the signature: the end
# of message ``NNNN`` (``NNN``), the start-of-message ``ZCZC`` run into other
# letters (``NMAFVVZCZ``) and ``ZZ`` operating-signal groups. Transmission
# artefacts, never a signature (T11) nor text.
H1_TAPE_LINE_RE = re.compile(r"^(?:N{3,}[A-Z]*|[A-Z]*ZCZC?[A-Z0-9]*|ZZ[A-Z]*)$")
# H8: ``[RI/]PLA [PRECEDENCE] [MCN]``; ``ZEN/`` instead of an RI (not transmitted).
H8_ADDRESSEE_RE = re.compile(
    r"^(?:(?P<ri>[RQ][A-Z]{3,6}|ZEN)\s?/\s?)?(?P<name>.*?)"
    r"(?:\s+(?P<prec>NIACT\s+IMMEDIATE|NIACT\s+IMMED|IMMEDIATE|IMMED|PRIORITY|ROUTINE|FLASH))?"
    r"(?:\s+(?P<mcn>\d{4}(?:\s?-\s?\d{4})?))?\s*$"
)
# H8: a line that starts a new addressee in an RI-style list.
H8_RI_START_RE = re.compile(r"^(?:[RQ][A-Z]{3,6}|ZEN)\s?/")
# H10: the 1970s distribution block before the DTG line.
H10_DISTRIBUTION_RE = re.compile(
    r"^(?:ACTION\s+[A-Z]|INFO\s+[A-Z]+-\d|ORIGIN\s+[A-Z]|DRAFTED BY|APPROVED BY|/\d+\s+[A-Z]$"
    r"|-{5,}\s*\d*$|[A-Z]{1,6}-\d{2}(?:\s+[A-Z]{1,6}-\d{2})*(?:\s+/\d+\s?W)?$|\d{1,3}$)"
)


class HeaderState:
    """What the reader has gathered of one transmission header.

    A plain class, not a dataclass: compiled, its ``__init__`` is native, where a
    dataclass's generated one runs interpreted (speed, issue 2).
    """

    def __init__(self) -> None:
        self.transmission_id: str | None = None
        self.routing_precedence: str | None = None
        self.routing: list[str] = []
        self.station: str | None = None
        self.station_serial: int | None = None
        self.section: int | None = None
        self.time_of_file: str | None = None
        self.security_warning: str | None = None
        self.operating_signals: list[str] = []
        self.dtg_prosigns: str | None = None
        self.dtg_text: str | None = None
        self.dtg_line: int | None = None
        self.fm: str | None = None
        self.fm_ri: str | None = None
        # addressee lines as written, joined where they wrapped: (kind, text, line)
        self.addressees: list[tuple[str, str, int]] = []
        self.started = False

    @property
    def has_any(self) -> bool:
        return self.started


_H8_RI_PREFIX_RE = re.compile(r"(?P<ri>[RQ][A-Z]{3,6}|ZEN)\s?/\s?")
_H8_PRECEDENCE_WORDS = ("NIACT IMMEDIATE", "NIACT IMMED", "IMMEDIATE", "IMMED", "PRIORITY",
                        "ROUTINE", "FLASH")
# The last word of each precedence word above: a line ending in none of them has
# no precedence, and is not compared with every word (speed, issue 2).
_H8_PRECEDENCE_LAST = frozenset({"IMMEDIATE", "IMMED", "PRIORITY", "ROUTINE", "FLASH"})
# Each precedence word's value, as Precedence.parse reads it (P1, H8).
_H8_PRECEDENCE_BY_WORD = {
    "NIACT IMMEDIATE": Precedence.NIACT_IMMEDIATE, "NIACT IMMED": Precedence.NIACT_IMMEDIATE,
    "IMMEDIATE": Precedence.IMMEDIATE, "IMMED": Precedence.IMMEDIATE,
    "PRIORITY": Precedence.PRIORITY, "ROUTINE": Precedence.ROUTINE, "FLASH": Precedence.FLASH,
}


def _is_mcn_part(token: str) -> bool:
    return len(token) == 4 and token.isdecimal()


def _mcn_lengths(tokens: list[str]) -> tuple[int, ...]:
    """How many tokens at the end of ``tokens`` may form an MCN (H9), longest
    first: ``0101``, ``0202-0203``, ``0202 - 0203``, ``0202- 0203``, ``0202 -0203``."""
    last = tokens[-1]
    n = len(tokens)
    if _is_mcn_part(last):
        if n >= 3 and tokens[-2] == "-" and _is_mcn_part(tokens[-3]):
            return (3, 1)
        if n >= 2 and tokens[-2][-1:] == "-" and _is_mcn_part(tokens[-2][:-1]):
            return (2, 1)
        return (1,)
    if len(last) == 9 and last[4] == "-" and _is_mcn_part(last[:4]) and _is_mcn_part(last[5:]):
        return (1,)
    if (n >= 2 and len(last) == 5 and last[0] == "-" and _is_mcn_part(last[1:])
            and _is_mcn_part(tokens[-2])):
        return (2,)
    return ()


def split_addressee(s: str) -> tuple[str | None, str, str | None, str | None]:
    """RI, name, precedence word and MCN of a whitespace-normalised addressee line:
    the groups of ``H8_ADDRESSEE_RE`` (the shortest name leaving a precedence and
    MCN), found from the end of the line (speed, issue 2: the lazy pattern tries
    every position). A test checks both agree."""
    ri = None
    rest = s
    if "/" in s and (m := _H8_RI_PREFIX_RE.match(s)):
        ri, rest = m["ri"], s[m.end():]
    tokens = rest.split(" ") if rest else []
    mcn = prec = None
    if len(tokens) > 1:
        for k in _mcn_lengths(tokens):
            if len(tokens) > k:  # the name is never empty
                mcn = " ".join(tokens[-k:])
                tokens = tokens[:-k]
                break
    if len(tokens) > 1 and tokens[-1] in _H8_PRECEDENCE_LAST:
        # The words in their order above: ``NIACT IMMEDIATE`` before ``IMMEDIATE``.
        last = tokens[-1]
        if len(tokens) > 2 and tokens[-2] == "NIACT" and last in ("IMMEDIATE", "IMMED"):
            prec = "NIACT " + last
            tokens = tokens[:-2]
        else:
            prec = last
            tokens = tokens[:-1]
    return ri, " ".join(tokens), prec, mcn


def read_addressee(text: str) -> Addressee:
    """One addressee line: ``[RI/]PLA [PRECEDENCE] [MCN]`` (H8, H9)."""
    s = " ".join(text.split())
    # Addressee lines repeat from cable to cable, except for their MCN (speed,
    # issue 2): a line ending in a plain 4-digit MCN is read once without it;
    # ``s[-6] != "-"`` leaves MCN ranges (``0202 - 0203``) to the full reading.
    if len(s) > 6 and s[-5] == " " and s[-6] != "-" and s[-4:].isdecimal():
        cut = 5
    elif (len(s) > 10 and s[-10] == " " and s[-5] == "-" and s[-9:-5].isdecimal()
          and s[-4:].isdecimal()):
        # A range ``NNNN-NNNN`` as one word is always the whole MCN (H9), whatever
        # precedes it: read the line before it once, as for a plain MCN.
        cut = 10
    else:
        return _read_addressee_cached(s)
    head = _addressee_head(s[:-cut])
    if head is not None:
        # By position, in the order of Addressee's fields (name, ri, precedence,
        # mcn, collective, zen): keywords cost more than the call (speed).
        return Addressee(head.name, head.ri, head.precedence, s[1 - cut:], head.collective,
                         head.zen)
    return _read_addressee_cached(s)


# Addressee is frozen: one value serves every cable with the same line.
@lru_cache(maxsize=4096)
def _read_addressee_cached(s: str) -> Addressee:
    return _read_addressee(s)


@lru_cache(maxsize=4096)
def _addressee_head(head: str) -> Addressee | None:
    """The addressee of ``head + " NNNN"`` without its MCN, or None where that
    line needs the full reading: nothing but an RI before the MCN, or ``head``
    ending in an MCN of its own. Otherwise the full reading of the line takes
    the same RI and strips the precedence from the same words (a test checks)."""
    if "/" in head and (m := _H8_RI_PREFIX_RE.match(head)) and m.end() == len(head):
        return None
    a = _read_addressee(head)
    return a if a.mcn is None else None


def _read_addressee(s: str) -> Addressee:
    """:func:`read_addressee` of a whitespace-normalised line."""
    ri, name, prec_word, mcn = split_addressee(s)
    name = name.strip()
    if mcn:
        mcn = mcn.replace(" ", "")
    if not name:
        # "RUEHC/IMMEDIATE" or a bare precedence: keep the text as the name.
        name, prec_word, mcn = s, None, None
        ri = None
    precedence = Precedence.ROUTINE
    if prec_word:
        # One of _H8_PRECEDENCE_WORDS (speed: not Precedence.parse, which
        # normalises any text first).
        precedence = _H8_PRECEDENCE_BY_WORD[prec_word]
    zen = ri == "ZEN"
    # By position, in the order of Addressee's fields (speed, as above).
    return Addressee(name, None if zen else ri, precedence, mcn,
                     "COLLECTIVE" in name.upper(), zen)


def render_addressee(a: Addressee) -> str:
    """The addressee line of :func:`read_addressee` (ROUTINE is never written, H8)."""
    parts = []
    if a.zen:
        parts.append(f"ZEN/{a.name}")
    elif a.ri:
        parts.append(f"{a.ri}/{a.name}")
    else:
        parts.append(a.name)
    if a.precedence is not Precedence.ROUTINE:
        parts.append(a.precedence.word)
    if a.mcn:
        parts.append(a.mcn)
    return " ".join(parts)


# Office words before a post's name in an FM line, dropped to get the origin
# of the message reference number (T2): AMEMBASSY OSLO -> OSLO.
_OFFICE_WORDS = ("AMEMBASSY", "AMCONSUL", "AMCONSULATE", "USMISSION", "USINT", "USLO",
                 "AMEMB", "USDEL")


def origin_from_fm(name: str) -> str | None:
    """The message reference origin implied by an FM line (T2): SECSTATE -> STATE."""
    words = name.upper().split()
    if not words:
        return None
    if words[0] in ("SECSTATE", "STATE") or "SECSTATE" in words:
        return "STATE"
    if words[0] in _OFFICE_WORDS and len(words) > 1:
        words = words[1:]
    return "".join(w for w in words if w.isalpha()) or None
