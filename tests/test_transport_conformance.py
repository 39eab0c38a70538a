"""One conformance suite for every message transport (transport.py).

Each implementation is a fixture parameter; a new transport (NATS JetStream)
joins by adding a factory to TRANSPORTS.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from cablegram.messaging.db import SqliteDb
from cablegram.messaging.transport import Delivery, Transport
from cablegram.messaging.transport_sqlite import SqliteTransport
from cablegram.model import Precedence


def _sqlite(tmp_path: Path) -> tuple[Transport, Callable[[], Transport]]:
    path = tmp_path / "t.db"
    return SqliteTransport(SqliteDb(path)), lambda: SqliteTransport(SqliteDb(path))


NATS_URL = os.environ.get("CABLEGRAM_TEST_NATS", "nats://127.0.0.1:4222")
ACK_WAIT = 1.0  # NATS: an unacknowledged delivery comes back after this many seconds


def _nats(tmp_path: Path) -> tuple[Transport, Callable[[], Transport]]:
    from cablegram.errors import MessagingError
    from cablegram.messaging.transport_nats import NatsTransport

    queue = "test" + uuid.uuid4().hex[:10]  # each test its own stream, deleted afterwards
    try:
        t = NatsTransport(NATS_URL, queue=queue, ack_wait=ACK_WAIT, connect_timeout=2)
    except MessagingError as exc:
        pytest.skip(f"NATS JetStream not reachable at {NATS_URL}: {exc}")
    return t, lambda: NatsTransport(NATS_URL, queue=queue, ack_wait=ACK_WAIT)


TRANSPORTS: dict[str, Callable[[Path], tuple[Transport, Callable[[], Transport]]]] = {
    "sqlite": _sqlite,
    "nats": _nats,
}


@pytest.fixture(params=[pytest.param("sqlite"), pytest.param("nats", marks=pytest.mark.nats)])
def transport_pair(request: pytest.FixtureRequest,
                   tmp_path: Path) -> Iterator[tuple[Transport, Callable[[], Transport]]]:
    t, reopen = TRANSPORTS[request.param](tmp_path)
    yield t, reopen
    t.close()
    if request.param == "nats":
        cleanup = reopen()
        cleanup.delete()  # type: ignore[attr-defined]
        cleanup.close()


def poll(fetch: Callable[[], list[Delivery]], seconds: float = ACK_WAIT + 3) -> list[Delivery]:
    """Fetch until something comes (a redelivery may take the transport's ack wait)."""
    deadline = time.monotonic() + seconds
    while True:
        got = fetch()
        if got or time.monotonic() > deadline:
            return got
        time.sleep(0.05)


def d(n: int, prec: Precedence = Precedence.ROUTINE, dest: str = "AMEMBASSY PARIS") -> Delivery:
    return Delivery(f"26OSLO{n}:{dest}", f"26OSLO{n}", "AMEMBASSY OSLO", dest, "RUEHFR", prec,
                    f"{n:04d}", f"2026-05-18T14:33:{n % 60:02d}.000000Z")


def drain(t: Transport) -> list[str]:
    out = []
    while batch := t.fetch(1):
        out.append(batch[0].delivery_id)
        t.done([batch[0].delivery_id])
    return out


def test_precedence_first_fifo_within(transport_pair) -> None:  # type: ignore[no-untyped-def]
    t, _ = transport_pair
    t.publish([d(1), d(2, Precedence.PRIORITY), d(3), d(4, Precedence.FLASH),
               d(5, Precedence.IMMEDIATE), d(6, Precedence.NIACT_IMMEDIATE),
               d(7, Precedence.FLASH)])
    assert t.pending() == 7
    order = [x.split(":")[0] for x in drain(t)]
    assert order == ["26OSLO4", "26OSLO7", "26OSLO6", "26OSLO5", "26OSLO2", "26OSLO1", "26OSLO3"]
    assert t.pending() == 0


def test_flash_preempts_a_backlog(transport_pair) -> None:  # type: ignore[no-untyped-def]
    t, _ = transport_pair
    t.publish([d(n) for n in range(1, 301)])
    assert t.fetch(1)[0].delivery_id.startswith("26OSLO1:")
    t.publish([d(999, Precedence.FLASH)])
    assert t.fetch(1)[0].delivery_id.startswith("26OSLO999:")  # P3: FLASH goes first


def test_fetched_but_not_done_comes_back(transport_pair) -> None:  # type: ignore
    t, reopen = transport_pair
    t.publish([d(1), d(2)])
    first = t.fetch(2)
    assert [x.delivery_id for x in first] == [d(1).delivery_id, d(2).delivery_id]
    t.done([first[0].delivery_id])
    t.close()  # a consumer that died without done(): the delivery comes back
    t2 = reopen()
    got = poll(lambda: t2.fetch(5))
    assert [x.delivery_id for x in got] == [d(2).delivery_id]
    assert got[0] == d(2)  # every field survives the round trip
    t2.done([got[0].delivery_id])
    assert t2.pending() == 0
    t2.close()


def test_publish_is_idempotent(transport_pair) -> None:  # type: ignore[no-untyped-def]
    t, _ = transport_pair
    t.publish([d(1), d(1)])
    t.publish([d(1)])
    assert t.pending() == 1


def test_done_unknown_is_harmless(transport_pair) -> None:  # type: ignore[no-untyped-def]
    t, _ = transport_pair
    t.done(["nothing:here"])
    assert t.fetch(3) == []
    assert t.pending() == 0
