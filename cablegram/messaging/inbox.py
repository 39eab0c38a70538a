"""Inboxes: what each post received, acknowledgements, alerts, gaps (P2, P4, H9).

``msg_delivery`` is every post's inbox; its key ``delivery_id`` is what makes
delivery exactly once: the relay inserts with ON CONFLICT DO NOTHING, so a
delivery the transport repeats after a crash is dropped here.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cablegram.archive.api import Db
from cablegram.errors import NotFound
from cablegram.messaging.numbering import MCN_MODULO, next_values
from cablegram.messaging.transport import Delivery, Transport
from cablegram.messaging.transport_sqlite import now_iso, row_to_delivery
from cablegram.model import Precedence

_DCOLS = ("delivery_id, reference_id, originator, destination, NULL, precedence, mcn, "
          "enqueued_at, retransmission")


def receive(db: Db, d: Delivery, delivered_at: str | None = None) -> bool:
    """Put a delivery in its post's inbox; False when it was already there."""
    n = db.execute(
        "INSERT INTO msg_delivery (delivery_id, reference_id, originator, destination, "
        "precedence, mcn, enqueued_at, delivered_at, retransmission) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (delivery_id) DO NOTHING",
        (d.delivery_id, d.reference_id, d.originator, d.destination, int(d.precedence), d.mcn,
         d.enqueued_at, delivered_at or now_iso(), d.retransmission))
    return n > 0


@dataclass(frozen=True, slots=True)
class InboxItem:
    delivery: Delivery
    delivered_at: str
    acked_at: str | None

    @property
    def needs_ack(self) -> bool:
        return self.delivery.precedence.needs_ack and self.acked_at is None

    def as_dict(self) -> dict[str, Any]:
        d = self.delivery.as_dict()
        d.update(delivered_at=self.delivered_at, acked_at=self.acked_at,
                 needs_ack=self.needs_ack)
        return d


def inbox(db: Db, post: str, *, unacked_only: bool = False) -> list[InboxItem]:
    """A post's inbox, highest precedence first, then newest first."""
    extra = " AND acked_at IS NULL" if unacked_only else ""
    rows = db.query(f"SELECT {_DCOLS}, delivered_at, acked_at FROM msg_delivery "
                    f"WHERE destination = ?{extra} ORDER BY precedence DESC, delivered_at DESC",
                    (post,))
    return [InboxItem(row_to_delivery(r[:9]), str(r[9]), r[10]) for r in rows]


def ack(db: Db, post: str, reference_id: str, at: str | None = None) -> int:
    """Acknowledge receipt of a cable at a post (P4); returns deliveries acknowledged."""
    n = db.execute("UPDATE msg_delivery SET acked_at = ? WHERE destination = ? AND "
                   "reference_id = ? AND acked_at IS NULL", (at or now_iso(), post, reference_id))
    if n == 0 and not db.query("SELECT 1 FROM msg_delivery WHERE destination = ? AND "
                               "reference_id = ?", (post, reference_id)):
        raise NotFound(f"{reference_id} has not been delivered to {post}")
    return n


def outbox(db: Db, post: str) -> list[dict[str, Any]]:
    """What a post sent: each delivery with its state (queued, delivered, acknowledged)."""
    rows = db.query(
        "SELECT s.delivery_id, s.reference_id, s.destination, s.precedence, s.mcn, "
        "s.enqueued_at, d.delivered_at, d.acked_at FROM msg_sent s "
        "LEFT JOIN msg_delivery d ON d.delivery_id = s.delivery_id "
        "WHERE s.originator = ? ORDER BY s.enqueued_at DESC, s.destination", (post,))
    return [{"delivery_id": r[0], "reference_id": r[1], "destination": r[2],
             "precedence": Precedence(int(r[3])).word, "mcn": r[4], "enqueued_at": r[5],
             "delivered_at": r[6], "acked_at": r[7],
             "state": "acknowledged" if r[7] else "delivered" if r[6] else "queued"}
            for r in rows]


def _parse_iso(s: str) -> datetime:
    return datetime.strptime(s, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Alert:
    delivery_id: str
    reference_id: str
    destination: str
    precedence: Precedence
    state: str  # "queued" | "unacknowledged"
    age_seconds: float

    def as_dict(self) -> dict[str, Any]:
        return {"delivery_id": self.delivery_id, "reference_id": self.reference_id,
                "destination": self.destination, "precedence": self.precedence.word,
                "state": self.state, "age_seconds": round(self.age_seconds, 1),
                "objective_seconds": self.precedence.objective.total_seconds()}


def alerts(db: Db, now: datetime | None = None) -> list[Alert]:
    """Deliveries behind their speed-of-service objective, from release (P2, P4):

    - FLASH and NIACT IMMEDIATE not acknowledged within 10 and 30 minutes
      (state ``queued`` or ``unacknowledged``);
    - any other delivery still queued beyond its objective (IMMEDIATE 30
      minutes, PRIORITY 3 hours, ROUTINE 6 hours; state ``queued``).
    """
    now = now or datetime.now(UTC)
    rows = db.query(
        "SELECT s.delivery_id, s.reference_id, s.destination, s.precedence, s.enqueued_at, "
        "d.delivered_at FROM msg_sent s LEFT JOIN msg_delivery d ON d.delivery_id = s.delivery_id "
        "WHERE d.delivery_id IS NULL OR (s.precedence >= ? AND d.acked_at IS NULL) "
        "ORDER BY s.precedence DESC, s.enqueued_at", (int(Precedence.NIACT_IMMEDIATE),))
    out = []
    for did, ref, dest, prec, enq, delivered in rows:
        p = Precedence(int(prec))
        if delivered and not p.needs_ack:
            continue
        age = (now - _parse_iso(enq)).total_seconds()
        if age > p.objective.total_seconds():
            out.append(Alert(did, ref, dest, p, "unacknowledged" if delivered else "queued", age))
    return out


@dataclass(frozen=True, slots=True)
class GapReport:
    originator: str
    missing: tuple[str, ...]  # MCNs, 4 digits
    duplicates: tuple[str, ...]  # MCNs received more than once
    last: str | None

    def as_dict(self) -> dict[str, Any]:
        return {"originator": self.originator, "missing": list(self.missing),
                "duplicates": list(self.duplicates), "last": self.last}


def gaps(db: Db, post: str) -> list[GapReport]:
    """Per originator, the continuity numbers a post has not received and those it
    received twice (H9). Numbers are unwrapped in release order, so a series that
    passed 9999 -> 0000 reads as consecutive."""
    rows = db.query("SELECT originator, mcn, enqueued_at FROM msg_delivery "
                    "WHERE destination = ? AND mcn IS NOT NULL ORDER BY originator, enqueued_at",
                    (post,))
    series: dict[str, list[tuple[str, int, int]]] = defaultdict(list)
    for orig, mcn, enq in rows:
        lo_text, _, hi_text = str(mcn).partition("-")
        series[str(orig)].append((str(enq), int(lo_text), int(hi_text or lo_text)))
    out = []
    for orig, items in series.items():
        seen: list[int] = []
        prev: int | None = None
        for _, first, last in items:
            span = (last - first) % MCN_MODULO
            # the number congruent to `first` nearest to where the series stands
            target = first if prev is None else prev + 1
            base = target + ((first - target + MCN_MODULO // 2) % MCN_MODULO) - MCN_MODULO // 2
            seen.extend(range(base, base + span + 1))
            prev = base + span if prev is None else max(prev, base + span)
        counts: dict[int, int] = defaultdict(int)
        for v in seen:
            counts[v] += 1
        lo, hi = min(seen), max(seen)
        missing = tuple(f"{v % MCN_MODULO:04d}" for v in range(lo, hi + 1) if v not in counts)
        dups = tuple(f"{v % MCN_MODULO:04d}" for v in sorted(counts) if counts[v] > 1)
        if missing or dups:
            out.append(GapReport(orig, missing, dups, f"{hi % MCN_MODULO:04d}"))
    return out


def retransmit(db: Db, transport: Transport, post: str, originator: str,
               mcn: str) -> Delivery:
    """Queue again, for ``post``, the cable that carried continuity number ``mcn`` of
    ``originator``'s series (a receiving post's request after a gap, H9)."""
    want = int(mcn)
    rows = db.query("SELECT delivery_id, reference_id, originator, destination, dest_ri, "
                    "precedence, mcn, enqueued_at, 0 FROM msg_sent "
                    "WHERE originator = ? AND destination = ? AND mcn IS NOT NULL",
                    (originator, post))
    for r in rows:
        first, _, last = str(r[6]).partition("-")
        a, b = int(first), int(last or first)
        if (want - a) % MCN_MODULO <= (b - a) % MCN_MODULO:
            original = row_to_delivery(r)
            with db.transaction():
                n = next_values(db, f"retransmit:{original.delivery_id}")[0]
                again = original.retransmitted(n)
                transport.publish([again])
            return again
    raise NotFound(f"{originator} sent {post} no cable with continuity number {mcn}")
