"""Messaging's tables, created in the archive's database (issue 6, point 6).

Everything messaging must not lose lives here, in the same file as the
archive: the directory, drafts, counters, released cables, the transport
queue and the inboxes. Names start with ``msg_`` so that they never collide
with the store's tables. The queue's ordering index (precedence descending,
sequence ascending) makes "the next delivery" one index probe however long
the ROUTINE backlog is (P3).
"""

from __future__ import annotations

from cablegram.archive.api import Db

SCHEMA = [
    # The directory (H7, H8). The PLA is the identity; one RI may serve several PLAs.
    """CREATE TABLE IF NOT EXISTS msg_address (
        pla TEXT PRIMARY KEY,
        ri TEXT,
        origin TEXT,
        kind TEXT NOT NULL,
        is_foreign INTEGER NOT NULL DEFAULT 0,
        source TEXT NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS msg_address_ri ON msg_address (ri)",
    "CREATE INDEX IF NOT EXISTS msg_address_origin ON msg_address (origin)",
    """CREATE TABLE IF NOT EXISTS msg_alias (
        alias TEXT PRIMARY KEY,
        pla TEXT NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS msg_collective_member (
        collective TEXT NOT NULL,
        member TEXT NOT NULL,
        PRIMARY KEY (collective, member)
    )""",
    # Drafts as the drafter wrote them.
    """CREATE TABLE IF NOT EXISTS msg_draft (
        id INTEGER PRIMARY KEY,
        text TEXT NOT NULL,
        created_at TEXT NOT NULL,
        status TEXT NOT NULL,
        reference_id TEXT
    )""",
    # Counters: MRN per (origin, year), MCN per (originator, addressee), channel sequence.
    """CREATE TABLE IF NOT EXISTS msg_counter (
        series TEXT PRIMARY KEY,
        value INTEGER NOT NULL
    )""",
    # Released cables with their telegram text; archived = 1 once archive.add succeeded.
    """CREATE TABLE IF NOT EXISTS msg_release (
        reference_id TEXT PRIMARY KEY,
        originator TEXT NOT NULL,
        released_by TEXT NOT NULL,
        released_at TEXT NOT NULL,
        dtg TEXT NOT NULL,
        transmission_id TEXT NOT NULL,
        precedence INTEGER NOT NULL,
        text TEXT NOT NULL,
        archived INTEGER NOT NULL DEFAULT 0
    )""",
    # Received deliveries: the inbox of every post. delivery_id is the dedupe key
    # that makes delivery exactly once whatever the transport repeats.
    """CREATE TABLE IF NOT EXISTS msg_delivery (
        delivery_id TEXT PRIMARY KEY,
        reference_id TEXT NOT NULL,
        originator TEXT NOT NULL,
        destination TEXT NOT NULL,
        precedence INTEGER NOT NULL,
        mcn TEXT,
        enqueued_at TEXT NOT NULL,
        delivered_at TEXT NOT NULL,
        acked_at TEXT,
        retransmission INTEGER NOT NULL DEFAULT 0
    )""",
    "CREATE INDEX IF NOT EXISTS msg_delivery_dest ON msg_delivery (destination, delivered_at)",
    # Outbound log: every delivery a release created, for `outbox` and retransmission.
    """CREATE TABLE IF NOT EXISTS msg_sent (
        delivery_id TEXT PRIMARY KEY,
        reference_id TEXT NOT NULL,
        originator TEXT NOT NULL,
        destination TEXT NOT NULL,
        dest_ri TEXT,
        precedence INTEGER NOT NULL,
        mcn TEXT,
        enqueued_at TEXT NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS msg_sent_orig ON msg_sent (originator, enqueued_at)",
    "CREATE INDEX IF NOT EXISTS msg_sent_series ON msg_sent (originator, destination, mcn)",
]


def ensure_schema(db: Db) -> None:
    """Create messaging's tables if missing (idempotent, safe to call on every open)."""
    for stmt in SCHEMA:
        db.execute(stmt)
