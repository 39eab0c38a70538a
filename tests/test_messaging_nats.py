"""Delivery over NATS JetStream: the archive's queue as outbox, NATS to the inboxes."""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path

import pytest
from test_messaging_draft import DRAFT

from cablegram.access.principal import Principal
from cablegram.archive import open_archive
from cablegram.errors import MessagingError
from cablegram.messaging import inbox as ib
from cablegram.messaging.relay import deliver_batch, forward
from cablegram.messaging.release import release
from cablegram.messaging.transport_sqlite import SqliteTransport

pytestmark = pytest.mark.nats
NATS_URL = os.environ.get("CABLEGRAM_TEST_NATS", "nats://127.0.0.1:4222")


def test_release_forward_deliver_exactly_once_after_a_lost_ack(tmp_path: Path) -> None:
    from cablegram.messaging.transport_nats import NatsTransport

    queue = "test" + uuid.uuid4().hex[:10]
    try:
        nats = NatsTransport(NATS_URL, queue=queue, ack_wait=1.0, connect_timeout=2)
    except MessagingError as exc:
        pytest.skip(f"NATS JetStream not reachable at {NATS_URL}: {exc}")
    archive = open_archive(str(tmp_path / "n.db"))
    outbox = SqliteTransport(archive.db)
    try:
        for _ in range(3):
            release(archive.db, DRAFT, Principal.archive_owner(), outbox, archive=archive)
        sent = {r[0] for r in archive.db.query("SELECT delivery_id FROM msg_sent")}
        assert forward(outbox, nats) == len(sent) == 81
        assert outbox.pending() == 0 and nats.pending() == 81
        # a relay takes a batch, delivers it and dies before acknowledging to NATS
        batch = nats.fetch(10)
        for d in batch:
            ib.receive(archive.db, d)
        nats.close()
        nats = NatsTransport(NATS_URL, queue=queue, ack_wait=1.0)
        deadline = time.monotonic() + 10
        while nats.pending() and time.monotonic() < deadline:
            if not deliver_batch(archive.db, nats, 32):
                time.sleep(0.1)  # the lost batch comes back after ack_wait
        delivered = [r[0] for r in archive.db.query("SELECT delivery_id FROM msg_delivery")]
        assert len(delivered) == len(set(delivered)) and set(delivered) == sent
        assert ib.gaps(archive.db, "AMEMBASSY PARIS") == []
    finally:
        nats.delete()
        nats.close()
        archive.close()
