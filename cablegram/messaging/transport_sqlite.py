"""The SQLite transport: the queue is a table in the archive's own file.

Because queue and inboxes share one database, release enqueues in the same
transaction that numbers and archives the cable, and the relay moves a
delivery from the queue to the inbox in one transaction: a relay killed at
any instant leaves each delivery either queued or delivered, never both and
never neither.

The index ``(precedence DESC, seq ASC)`` makes the next delivery one index
probe: a FLASH published behind 100,000 waiting ROUTINE deliveries is the
very next one fetched (P3).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from cablegram.archive.api import Db
from cablegram.messaging.transport import Delivery
from cablegram.model import Precedence

SCHEMA = [
    """CREATE TABLE IF NOT EXISTS msg_queue (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        delivery_id TEXT NOT NULL UNIQUE,
        reference_id TEXT NOT NULL,
        originator TEXT NOT NULL,
        destination TEXT NOT NULL,
        dest_ri TEXT,
        precedence INTEGER NOT NULL,
        mcn TEXT,
        enqueued_at TEXT NOT NULL,
        retransmission INTEGER NOT NULL DEFAULT 0
    )""",
    "CREATE INDEX IF NOT EXISTS msg_queue_order ON msg_queue (precedence DESC, seq ASC)",
]
_COLS = ("delivery_id, reference_id, originator, destination, dest_ri, precedence, mcn, "
         "enqueued_at, retransmission")


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def row_to_delivery(r: Sequence[object]) -> Delivery:
    return Delivery(str(r[0]), str(r[1]), str(r[2]), str(r[3]), None if r[4] is None else str(r[4]),
                    Precedence(int(str(r[5]))), None if r[6] is None else str(r[6]), str(r[7]),
                    int(str(r[8])))


class SqliteTransport:
    """:class:`~cablegram.messaging.transport.Transport` over a table of the given Db."""

    name = "sqlite"

    def __init__(self, db: Db) -> None:
        if db.dialect != "sqlite":
            raise ValueError("SqliteTransport needs a SQLite database")
        self.db = db
        for stmt in SCHEMA:
            db.execute(stmt)

    def publish(self, deliveries: Sequence[Delivery]) -> None:
        # No transaction of its own: release calls this inside its transaction so
        # that numbering, archiving and enqueueing commit together.
        for d in deliveries:
            self.db.execute(
                f"INSERT INTO msg_queue ({_COLS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (delivery_id) DO NOTHING",
                (d.delivery_id, d.reference_id, d.originator, d.destination, d.dest_ri,
                 int(d.precedence), d.mcn, d.enqueued_at, d.retransmission))

    def fetch(self, limit: int = 1) -> list[Delivery]:
        rows = self.db.query(f"SELECT {_COLS} FROM msg_queue ORDER BY precedence DESC, seq ASC "
                             "LIMIT ?", (limit,))
        return [row_to_delivery(r) for r in rows]

    def done(self, delivery_ids: Sequence[str]) -> None:
        for did in delivery_ids:
            self.db.execute("DELETE FROM msg_queue WHERE delivery_id = ?", (did,))

    def pending(self) -> int:
        return int(self.db.query("SELECT COUNT(*) FROM msg_queue")[0][0])

    def depth_by_precedence(self) -> dict[Precedence, int]:
        rows = self.db.query("SELECT precedence, COUNT(*) FROM msg_queue GROUP BY precedence")
        return {Precedence(int(p)): int(n) for p, n in rows}

    def close(self) -> None:
        """The Db belongs to the archive; nothing to close here."""
