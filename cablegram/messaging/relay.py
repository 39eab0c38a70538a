"""The relay: moves deliveries from the transport to the posts' inboxes (P3).

It takes a small batch at a time, highest precedence first: a FLASH published
while a long ROUTINE backlog waits is taken at the next batch, so it never
waits behind more than one batch (preemption at batch granularity; a batch is
a few milliseconds). Receiving and marking done share one transaction when
the transport lives in the same database; otherwise the inbox's dedupe key
absorbs a repeat after a crash (exactly once either way).
"""

from __future__ import annotations

import threading
import time

from cablegram.archive.api import Db
from cablegram.messaging.inbox import receive
from cablegram.messaging.transport import Transport
from cablegram.messaging.transport_sqlite import now_iso

BATCH = 32


def deliver_batch(db: Db, transport: Transport, limit: int = BATCH) -> int:
    """Deliver up to ``limit`` deliveries; return how many were taken from the queue."""
    batch = transport.fetch(limit)
    if not batch:
        return 0
    ids = [d.delivery_id for d in batch]
    same_db = getattr(transport, "db", None) is db
    with db.transaction():
        at = now_iso()
        for d in batch:
            receive(db, d, at)
        if same_db:
            transport.done(ids)
    if not same_db:
        transport.done(ids)
    return len(batch)


def relay_once(db: Db, transport: Transport, *, limit: int = BATCH) -> int:
    """Deliver until the queue is empty; return the number delivered."""
    total = 0
    while n := deliver_batch(db, transport, limit):
        total += n
    return total


def relay_forever(db: Db, transport: Transport, *, poll: float = 0.05,
                  stop: threading.Event | None = None, limit: int = BATCH) -> int:
    """Relay until ``stop`` is set (or forever), sleeping ``poll`` seconds when idle."""
    total = 0
    while stop is None or not stop.is_set():
        n = deliver_batch(db, transport, limit)
        total += n
        if n == 0:
            if stop is not None:
                stop.wait(poll)
            else:
                time.sleep(poll)
    return total


def forward(source: Transport, target: Transport, *, limit: int = BATCH) -> int:
    """Move deliveries from one transport to another (the SQLite queue, written in
    release's transaction, to NATS JetStream), highest precedence first.

    The SQLite queue is then a transactional outbox: release and enqueue still
    commit together, and a delivery leaves the outbox only once the target has
    it. A crash between the two repeats a publish, which the target's dedupe
    (Nats-Msg-Id) and the inbox's key absorb.
    """
    total = 0
    while batch := source.fetch(limit):
        target.publish(batch)
        source.done([d.delivery_id for d in batch])
        total += len(batch)
    return total
