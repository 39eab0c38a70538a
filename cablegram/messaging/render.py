"""Writing a released cable as telegram text, the form the archive stores (H1-H9, T1, T10).

The text part is the draft's own lines, unchanged, after a first line that
now carries the message reference number (and ``SECTION nn OF mm`` for a long
cable). A long cable is cut into sections at blank lines; the published copy
joins them, each section after the first opened by its page marker line
``OSLO 00000525  002 OF 003`` (T10), as Cablegate copies are.
"""

from __future__ import annotations

from dataclasses import dataclass

from cablegram.messaging.draft import Draft
from cablegram.model import Precedence

SECTION_CHARS = 8_000  # design: a section holds about this many characters of text
_RIS_PER_LINE = 9  # H3: the routing line wraps


@dataclass(frozen=True, slots=True)
class AddresseeLine:
    role: str  # "to" | "info" | "xmt"
    ri: str | None
    pla: str
    precedence: Precedence
    mcn: str | None

    def render(self) -> str:
        parts = [f"{self.ri}/{self.pla}" if self.ri else self.pla]
        if self.role != "xmt" and self.precedence is not Precedence.ROUTINE:
            parts.append(self.precedence.word)  # H8: ROUTINE is never written
        if self.mcn:
            parts.append(self.mcn)
        return " ".join(parts)


@dataclass(frozen=True, slots=True)
class Assigned:
    """Everything release assigns to a draft."""

    transmission_id: str  # VZCZCXRO0001 (H2)
    routing_precedence: str  # "OO" (H3)
    routing: tuple[str, ...]  # RIs of every delivery (H3)
    station: str  # DE RI (H4)
    station_serial: int
    sections: int
    time_of_file: str  # JJJHHMM
    security_warning: str  # "ZNY CCCCC ZZH" (H5)
    dtg_line: str  # "O 181433Z MAY 07" (H6)
    originator: str
    addressees: tuple[AddresseeLine, ...]
    mrn_origin: str  # "OSLO", "NEW DELHI", "STATE"
    serial: int


def split_sections(body: list[str], limit: int = SECTION_CHARS) -> list[list[str]]:
    """Cut the text at blank lines into chunks of about ``limit`` characters."""
    chunks: list[list[str]] = [[]]
    size = 0
    for line in body:
        if not line.strip() and size >= limit:
            chunks.append([])
            size = 0
            continue
        chunks[-1].append(line)
        size += len(line) + 1
    while len(chunks) > 1 and not any(s.strip() for s in chunks[-1]):
        chunks.pop()
    if len(chunks) > 1 and sum(1 for s in chunks[-1] if s.strip()) <= 1:
        # a signature alone does not make a section (T11)
        tail = chunks.pop()
        chunks[-1] += ["", *tail]
    return chunks


def mrn(origin: str, serial: int) -> str:
    """The message reference number: origin and a 6-digit serial (T1)."""
    return f"{origin} {serial:06d}"


def page_marker(origin: str, serial: int, section: int, total: int) -> str:
    """``OSLO 00000525  002 OF 003`` (T10)."""
    return f"{origin} {serial:08d}  {section:03d} OF {total:03d}"


def render_released(draft: Draft, a: Assigned, chunks: list[list[str]]) -> str:
    total = len(chunks)
    out = [a.transmission_id]
    ris = list(a.routing)
    first_ris = ris[:_RIS_PER_LINE]
    out.append(" ".join([a.routing_precedence, *first_ris]))
    for k in range(_RIS_PER_LINE, len(ris), _RIS_PER_LINE):
        out.append(" ".join(ris[k:k + _RIS_PER_LINE]))
    section = "/01" if total > 1 else ""
    out.append(f"DE {a.station} #{a.station_serial:04d}{section} {a.time_of_file}")
    out.append(a.security_warning)
    out.append(a.dtg_line)
    out.append(f"FM {a.originator}")
    role = ""
    for line in a.addressees:
        key = {"to": "TO", "info": "INFO", "xmt": "XMT"}[line.role]
        out.append(f"{key} {line.render()}" if key != role else line.render())
        role = key
    banner = (draft.classification_line or "UNCLAS").strip()
    sect = f" SECTION 01 OF {total:02d}" if total > 1 else ""
    out.append(f"{banner}{sect} {mrn(a.mrn_origin, a.serial)}")
    for k, chunk in enumerate(chunks, start=1):
        if k > 1:
            out += ["", page_marker(a.mrn_origin, a.serial, k, total), ""]
        out.extend(line.rstrip() for line in chunk)
    while out and not out[-1].strip():
        out.pop()
    return "\n".join(out) + "\n"
