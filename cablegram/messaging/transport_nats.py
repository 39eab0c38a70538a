"""The NATS JetStream transport (``nats://host:port``), behind the same protocol.

One stream per queue name holds a subject per precedence
(``cablegram.<name>.<precedence>``); one durable pull consumer per precedence
reads it. :meth:`NatsTransport.fetch` asks the FLASH consumer first, then the
lower ones, so higher precedence goes first and JetStream's stream order
keeps FIFO within a precedence (P3). A delivery is acknowledged on
:meth:`done`; one fetched and never acknowledged (the relay died) is
redelivered after ``ack_wait`` seconds, and the inbox's key drops the
repeat. Publishing sets ``Nats-Msg-Id`` to the delivery id, so a repeat
within the stream's duplicate window is dropped by the server.

nats-py is asynchronous; this class runs its own event loop in a daemon
thread and offers the synchronous protocol of ``transport.py``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
from collections.abc import Coroutine, Sequence
from typing import Any, TypeVar

from cablegram.errors import MessagingError
from cablegram.messaging.transport import Delivery
from cablegram.model import Precedence

T = TypeVar("T")
_ORDER = sorted(Precedence, reverse=True)  # FLASH first (P3)


def _encode(d: Delivery) -> bytes:
    doc = d.as_dict()
    doc["precedence"] = int(d.precedence)
    return json.dumps(doc).encode()


def _decode(data: bytes) -> Delivery:
    doc = json.loads(data)
    return Delivery(doc["delivery_id"], doc["reference_id"], doc["originator"],
                    doc["destination"], doc["dest_ri"], Precedence(int(doc["precedence"])),
                    doc["mcn"], doc["enqueued_at"], int(doc["retransmission"]))


class NatsTransport:
    """:class:`~cablegram.messaging.transport.Transport` over NATS JetStream."""

    name = "nats"

    def __init__(self, url: str = "nats://127.0.0.1:4222", *, queue: str = "main",
                 ack_wait: float = 30.0, connect_timeout: float = 5.0) -> None:
        try:
            import nats
        except ImportError as exc:  # pragma: no cover - nats-py is a declared extra
            raise MessagingError("the NATS transport needs nats-py: "
                                 "pip install 'cablegram[nats]'") from exc
        self._nats = nats
        self.url = url
        self.queue = queue
        self.stream = f"CABLEGRAM_{queue.upper()}"
        self.ack_wait = ack_wait
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        self._inflight: dict[str, Any] = {}
        try:
            self._run(self._connect(connect_timeout))
        except Exception as exc:
            self._stop_loop()
            raise MessagingError(f"cannot reach NATS JetStream at {url}: {exc}") from exc

    def _run(self, coro: Coroutine[Any, Any, T], timeout: float = 30.0) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout)

    def subject(self, p: Precedence) -> str:
        return f"cablegram.{self.queue}.{p.name.lower()}"

    async def _connect(self, timeout: float) -> None:
        from nats.js.api import AckPolicy, ConsumerConfig, StreamConfig

        self._nc = await self._nats.connect(self.url, connect_timeout=timeout,
                                            max_reconnect_attempts=2)
        self._js = self._nc.jetstream()
        await self._js.add_stream(StreamConfig(
            name=self.stream, subjects=[self.subject(p) for p in Precedence]))
        self._subs: dict[Precedence, Any] = {}
        for p in _ORDER:
            durable = f"relay_{p.name.lower()}"
            self._subs[p] = await self._js.pull_subscribe(
                self.subject(p), durable=durable, stream=self.stream,
                config=ConsumerConfig(ack_policy=AckPolicy.EXPLICIT, ack_wait=self.ack_wait,
                                      max_ack_pending=-1))

    def publish(self, deliveries: Sequence[Delivery]) -> None:
        async def go() -> None:
            for d in deliveries:
                await self._js.publish(self.subject(d.precedence), _encode(d),
                                       headers={"Nats-Msg-Id": d.delivery_id})
        self._run(go())

    def fetch(self, limit: int = 1) -> list[Delivery]:
        async def go() -> list[Delivery]:
            out: list[Delivery] = []
            for p in _ORDER:
                if len(out) >= limit:
                    break
                info = await self._subs[p].consumer_info()
                if not info.num_pending and not info.num_ack_pending:
                    continue
                # only unacknowledged ones left: they come back when ack_wait expires
                wait = 0.5 if info.num_pending else 0.05
                try:
                    msgs = await self._subs[p].fetch(limit - len(out), timeout=wait)
                except Exception:  # nats TimeoutError: nothing after all
                    continue
                for m in msgs:
                    d = _decode(m.data)
                    self._inflight[d.delivery_id] = m
                    out.append(d)
            return out
        return self._run(go())

    def done(self, delivery_ids: Sequence[str]) -> None:
        async def go() -> None:
            for did in delivery_ids:
                m = self._inflight.pop(did, None)
                if m is not None:
                    await m.ack_sync()
        self._run(go())

    def pending(self) -> int:
        async def go() -> int:
            total = 0
            for sub in self._subs.values():
                info = await sub.consumer_info()
                total += int(info.num_pending) + int(info.num_ack_pending)
            return total
        return self._run(go())

    def delete(self) -> None:
        """Remove the stream and its consumers (tests, benchmarks)."""
        self._run(self._js.delete_stream(self.stream))

    def close(self) -> None:
        if self._loop.is_closed():
            return
        # already closed, or the server went away: nothing left to flush
        with contextlib.suppress(Exception):
            self._run(self._nc.close(), timeout=5)
        self._stop_loop()

    def _stop_loop(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)
        self._loop.close()
