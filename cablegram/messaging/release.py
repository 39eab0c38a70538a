"""Release: validate, authorise, number, write, archive and enqueue — in ONE transaction.

A draft becomes a cable when an officer with release authority for the
originating post releases it (5 FAH-2 H-300s). Everything release assigns is
drawn inside one database transaction together with the archived record and
the queued deliveries, so that a crash leaves either nothing or a numbered,
archived cable whose deliveries wait in the queue (issue 6, point 6).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from cablegram.access.principal import Principal
from cablegram.archive.api import Db
from cablegram.errors import AccessDenied, MessagingError, NotFound
from cablegram.messaging import numbering as num
from cablegram.messaging.directory import Address, Directory
from cablegram.messaging.draft import Draft, load_draft
from cablegram.messaging.render import (
    SECTION_CHARS,
    AddresseeLine,
    Assigned,
    mrn,
    render_released,
    split_sections,
)
from cablegram.messaging.routing import Addressing, route
from cablegram.messaging.schema import ensure_schema
from cablegram.messaging.transport import Delivery, Transport
from cablegram.messaging.validate import validate
from cablegram.model import (
    Addressee,
    Cable,
    Classification,
    Dtg,
    Level,
    Precedence,
    ReferenceId,
    Source,
    julian_time_of_file,
)

# Portable: PostgreSQL does not number an INTEGER PRIMARY KEY by itself.
_NEXT_DRAFT_ID = "SELECT COALESCE(MAX(id), 0) + 1 FROM msg_draft"
CHANNEL = "XRO"  # H2: the channel designator of our transmission ids
_PLA_PREFIXES = ("AMEMBASSY ", "AMCONSUL ", "USMISSION ", "US MISSION ")


class ArchiveLike(Protocol):
    """What release needs of the archive: adding a record (inside the caller's
    transaction when it shares the database)."""

    def add(self, cable: Cable) -> object: ...


@dataclass(frozen=True, slots=True)
class Released:
    reference_id: str
    mrn: str
    dtg: str
    text: str
    cable: Cable
    deliveries: tuple[Delivery, ...]
    sections: int

    def as_dict(self) -> dict[str, Any]:
        return {"reference_id": self.reference_id, "mrn": self.mrn, "dtg": self.dtg,
                "sections": self.sections,
                "deliveries": [d.as_dict() for d in self.deliveries]}


def may_release(principal: Principal, originator: Address) -> bool:
    """Release authority for the post, by PLA, RI or origin (``OSLO``)."""
    if principal.owner:
        return True
    names = {originator.pla, originator.ri or "", originator.origin or ""} - {""}
    return bool({r.upper() for r in principal.releaser_for} & names)


def mrn_origin(originator: Address) -> str:
    """The origin written in the message reference number: ``OSLO``, ``ABU DHABI``,
    ``STATE`` (T1, T2)."""
    if originator.origin == "STATE":
        return "STATE"
    for prefix in _PLA_PREFIXES:
        if originator.pla.startswith(prefix):
            return originator.pla[len(prefix):]
    if originator.origin:
        return originator.origin
    raise MessagingError(f"{originator.pla} has no message reference origin in the directory; "
                         "add one with `cablegram directory add ... --origin`")


def release(db: Db, draft_text: str, principal: Principal, transport: Transport, *,
            archive: ArchiveLike | None = None, source: str = "draft",
            now: datetime | None = None, section_chars: int = SECTION_CHARS,
            draft_id: int | None = None) -> Released:
    """Validate and release a draft; returns the released cable and its deliveries.

    The draft is kept in ``msg_draft`` with the reference id it became; a saved
    draft (``draft_id``) is marked released, once.

    Raises ValidationError (with every problem), AccessDenied when the principal
    may not release for the originating post, MessagingError on routing trouble.
    """
    directory = Directory(db)
    draft = load_draft(draft_text, source)
    report = validate(draft, directory, (now or datetime.now(UTC)).date())
    report.raise_for_errors()
    assert draft.originator is not None
    originator = directory.require(draft.originator)
    if not may_release(principal, originator):
        raise AccessDenied(f"{principal.name} may not release cables for {originator.pla}")
    if not originator.ri:
        raise MessagingError(f"{originator.pla} has no routing indicator for the DE line (H4)")
    addressing = route(draft, directory, originator)
    chunks = split_sections(draft.body_lines, section_chars)
    origin = mrn_origin(originator)
    with db.transaction():
        when = (now or datetime.now(UTC)).astimezone(UTC).replace(second=0, microsecond=0)
        serial = num.next_values(db, num.mrn_series(origin.replace(" ", ""), when.year))[0]
        channel = num.next_values(db, num.channel_series(originator.ri))[0] % 10_000
        mcns = _continuity_numbers(db, originator, addressing, len(chunks))
        assigned = _assign(draft, addressing, originator, origin, serial, channel, when, mcns,
                           len(chunks))
        text = render_released(draft, assigned, chunks)
        ref = ReferenceId(when.year % 100, origin.replace(" ", ""), serial)
        cable = _to_cable(text, draft, ref, principal, source)
        db.execute("INSERT INTO msg_release (reference_id, originator, released_by, "
                   "released_at, dtg, transmission_id, precedence, text, archived) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   (str(ref), originator.pla, principal.name, _iso(datetime.now(UTC)),
                    Dtg(when).isoformat(), assigned.transmission_id,
                    int(max((r.precedence for r in addressing.routes),
                            default=Precedence.ROUTINE)), text, int(archive is not None)))
        if archive is not None:
            archive.add(cable)
        if draft_id is None:
            db.execute("INSERT INTO msg_draft (id, text, created_at, status, reference_id) "
                       f"VALUES (({_NEXT_DRAFT_ID}), ?, ?, 'released', ?)",
                       (draft_text, _iso(datetime.now(UTC)), str(ref)))
        elif db.execute("UPDATE msg_draft SET status = 'released', reference_id = ? "
                        "WHERE id = ? AND status = 'draft'", (str(ref), draft_id)) != 1:
            raise MessagingError(f"draft {draft_id} does not exist or was already released")
        enqueued = _iso(datetime.now(UTC))
        deliveries = tuple(
            Delivery(f"{ref}:{r.address.pla}", str(ref), originator.pla, r.address.pla,
                     r.address.ri, r.precedence, mcns.get(r.address.pla), enqueued)
            for r in addressing.routes)
        for d in deliveries:
            db.execute("INSERT INTO msg_sent (delivery_id, reference_id, originator, "
                       "destination, dest_ri, precedence, mcn, enqueued_at) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                       (d.delivery_id, d.reference_id, d.originator, d.destination, d.dest_ri,
                        int(d.precedence), d.mcn, d.enqueued_at))
        transport.publish(deliveries)
    return Released(str(ref), mrn(origin, serial), str(Dtg(when)), text, cable, deliveries,
                    len(chunks))


def save_draft(db: Db, text: str) -> int:
    """Keep a draft in the archive database; returns its id."""
    ensure_schema(db)
    with db.transaction():
        db.execute("INSERT INTO msg_draft (id, text, created_at, status) "
                   f"VALUES (({_NEXT_DRAFT_ID}), ?, ?, 'draft')", (text, _iso(datetime.now(UTC))))
        return int(db.query("SELECT MAX(id) FROM msg_draft")[0][0])


def get_draft(db: Db, draft_id: int) -> tuple[str, str, str | None]:
    """(text, status, reference id) of a saved draft."""
    ensure_schema(db)
    rows = db.query("SELECT text, status, reference_id FROM msg_draft WHERE id = ?",
                    (draft_id,))
    if not rows:
        raise NotFound(f"no draft {draft_id}")
    return str(rows[0][0]), str(rows[0][1]), rows[0][2]


def list_drafts(db: Db) -> list[dict[str, Any]]:
    ensure_schema(db)
    rows = db.query("SELECT id, created_at, status, reference_id, text FROM msg_draft "
                    "ORDER BY id")
    return [{"id": r[0], "created_at": r[1], "status": r[2], "reference_id": r[3],
             "subject": load_draft(str(r[4])).subject} for r in rows]


def release_file(db: Db, path: str, principal: Principal, transport: Transport,
                 **kw: Any) -> Released:
    with open(path, encoding="utf-8") as fh:
        return release(db, fh.read(), principal, transport, source=path, **kw)


def _iso(t: datetime) -> str:
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _continuity_numbers(db: Db, originator: Address, addressing: Addressing,
                        sections: int) -> dict[str, str]:
    """The next MCN(s) of each (originator, destination) series (H9).

    Every numbered delivery draws from its series, also a collective member's:
    the receiving post sees one consecutive series per originator and can find a
    gap. Named addressees show their numbers on their lines; military ones carry
    none (H9).
    """
    out: dict[str, str] = {}
    for r in addressing.routes:
        if not r.numbered:
            continue
        first, last = num.next_values(db, num.mcn_series(originator.pla, r.address.pla),
                                      sections)
        out[r.address.pla] = num.format_mcn(first, last)
    return out


def _assign(draft: Draft, addressing: Addressing, originator: Address, origin: str,
            serial: int, channel: int, when: datetime, mcns: dict[str, str],
            sections: int) -> Assigned:
    lines: list[AddresseeLine] = []
    for a, addr in addressing.lines:
        ri = a.ri if a.ri == "ZEN" else (addr.ri or a.ri)
        mcn_text = None
        if a.role != "xmt" and not addr.collective and not addr.military:
            mcn_text = mcns.get(addr.pla)
        lines.append(AddresseeLine(a.role, ri, addr.pla, a.precedence, mcn_text))
    top = max((r.precedence for r in addressing.routes), default=Precedence.ROUTINE)
    action = max((a.precedence for a in draft.to), default=Precedence.ROUTINE)
    info = max((a.precedence for a in draft.info), default=None)
    prosigns = action.prosign
    if info is not None and info.prosign != action.prosign:
        prosigns += f" {info.prosign}"  # H6: action and info precedence letters
    level = draft.level or Level.UNCLASSIFIED
    return Assigned(
        transmission_id=f"VZCZC{CHANNEL}{channel:04d}",
        routing_precedence=top.prosign * 2,
        routing=tuple(addressing.routing_indicators),
        station=originator.ri or "",
        station_serial=num.station_serial(serial),
        sections=sections,
        time_of_file=julian_time_of_file(when),
        security_warning=f"{level.warning} ZZH",
        dtg_line=f"{prosigns} {Dtg(when)}",
        originator=originator.pla,
        addressees=tuple(lines),
        mrn_origin=origin,
        serial=serial,
    )


def _to_cable(text: str, draft: Draft, ref: ReferenceId, principal: Principal,
              source: str) -> Cable:
    """The archived record: the codec's reading of the released text."""
    meta = {"released_by": principal.name, "draft": source}
    try:
        from cablegram.formats.telegram import parse_telegram
    except ImportError:  # the codec is not installed: build a minimal record
        pass
    else:
        cable = parse_telegram(text, source=Source(format="telegram", path=None, metadata=meta))
        if cable.reference_id != ref:
            raise MessagingError(f"the codec read {cable.reference_id} from released {ref}; "
                                 "the originator's origin must be letters only (T2)")
        return cable
    return Cable(
        raw=text, reference_id=ref, originator_name=draft.originator, origin=ref.origin,
        to=tuple(Addressee(a.pla, a.ri, a.precedence) for a in draft.to),
        info=tuple(Addressee(a.pla, a.ri, a.precedence) for a in draft.info),
        classification=Classification(draft.level or Level.UNCLASSIFIED, draft.caveats),
        subject=draft.subject, source=Source(format="telegram", metadata=meta))
