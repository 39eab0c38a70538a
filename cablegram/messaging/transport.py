"""The message transport protocol: a durable, precedence-ordered delivery queue.

Release *publishes* deliveries (one per addressee, rule H8); a relay
*fetches* the next ones — highest precedence first, first in first out
within a precedence (P3) — hands each to the receiving post's inbox, then
marks it *done*. A fetched delivery that is not done (the relay died) is
fetched again, so a transport is at-least-once; the inbox removes repeats by
``delivery_id``, which makes delivery exactly once end to end.

Every implementation passes ``tests/test_transport_conformance.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol

from cablegram.model import Precedence


@dataclass(frozen=True, slots=True)
class Delivery:
    """One copy of one released cable for one post."""

    delivery_id: str  # "<reference id>:<destination PLA>" (+ "#R<n>" for retransmissions)
    reference_id: str
    originator: str  # PLA
    destination: str  # PLA
    dest_ri: str | None
    precedence: Precedence
    mcn: str | None  # "0042" or "0042-0044"; None for military addressees (H9)
    enqueued_at: str  # ISO 8601 UTC, microseconds: the originator's order of release
    retransmission: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {"delivery_id": self.delivery_id, "reference_id": self.reference_id,
                "originator": self.originator, "destination": self.destination,
                "dest_ri": self.dest_ri, "precedence": self.precedence.word,
                "mcn": self.mcn, "enqueued_at": self.enqueued_at,
                "retransmission": self.retransmission}

    def retransmitted(self, n: int) -> Delivery:
        return replace(self, delivery_id=f"{self.delivery_id}#R{n}", retransmission=n)


class Transport(Protocol):
    """What every message transport offers."""

    name: str

    def publish(self, deliveries: Sequence[Delivery]) -> None:
        """Queue deliveries durably; a delivery_id already queued is ignored."""

    def fetch(self, limit: int = 1) -> list[Delivery]:
        """The next deliveries, highest precedence first, FIFO within one; they stay
        queued until :meth:`done` (a crashed consumer's deliveries come back)."""

    def done(self, delivery_ids: Sequence[str]) -> None:
        """Remove delivered deliveries from the queue."""

    def pending(self) -> int:
        """How many deliveries wait."""

    def close(self) -> None: ...
