"""Messaging benchmarks (figures, not tests): throughput and FLASH preemption.

``run()`` builds a scratch archive with ``posts`` synthetic posts in one
collective and measures

- release throughput: cables released per second (each one numbered, written,
  read back by the codec, archived and its deliveries queued in one
  transaction), every cable addressed to the collective of all posts;
- delivery throughput: deliveries per second through the relay;
- FLASH latency: with ``backlog`` ROUTINE deliveries waiting and a relay
  running, the time from publishing a FLASH delivery (from another
  connection, as release does from another process) until it is in the
  receiving post's inbox; p50 and p99 over ``flashes`` samples (P3: the
  objective is under 100 ms).
"""

from __future__ import annotations

import shutil
import statistics
import string
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cablegram.access.principal import Principal
from cablegram.messaging.db import SqliteDb
from cablegram.messaging.directory import Directory
from cablegram.messaging.relay import relay_forever, relay_once
from cablegram.messaging.release import release
from cablegram.messaging.transport import Delivery
from cablegram.messaging.transport_sqlite import SqliteTransport
from cablegram.model import Precedence

_DRAFT = """\
FM {fm}
TO BENCH POSTS COLLECTIVE{prec}

UNCLAS

E.O. 12958: N/A
TAGS: PREL XX
SUBJECT: BENCHMARK CABLE {n}

1. (U) The herring are plentiful this year, and the cod are not.

2. (U) Nothing further to report from this post at this time.

BENCH
"""


def _ri(n: int) -> str:
    letters = string.ascii_uppercase
    return "RUEQ" + letters[n // 676 % 26] + letters[n // 26 % 26] + letters[n % 26]


def _setup_posts(directory: Directory, posts: int) -> list[str]:
    names = []
    for n in range(posts):
        word = _ri(n)[4:]  # origins are letters only (T2)
        pla = f"AMEMBASSY BENCH{word}"
        directory.add(pla, _ri(n), origin=f"BENCH{word}", kind="embassy", foreign=False,
                      source="bench")
        names.append(pla)
    directory.add("BENCH POSTS COLLECTIVE", "RUEQZZZ", members=names, source="bench")
    return names


def _iso_to_epoch(s: str) -> float:
    return datetime.strptime(s, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC).timestamp()


def run(*, posts: int = 250, cables: int = 100, backlog: int = 100_000, flashes: int = 50,
        path: str | Path | None = None) -> dict[str, Any]:
    """Run both measurements; return the figures as a dict (seconds, per-second rates)."""
    tmp = tempfile.TemporaryDirectory(prefix="cablegram-bench-") if path is None else None
    base = Path(tmp.name if tmp else str(path))
    base.mkdir(parents=True, exist_ok=True)
    for old in [*base.glob("throughput.*"), *base.glob("latency.*")]:
        # a second run starts from empty databases, not from the last run's queues
        shutil.rmtree(old) if old.is_dir() else old.unlink()
    try:
        out: dict[str, Any] = {"posts": posts}
        out.update(_throughput(base / "throughput.db", posts, cables))
        out.update(_flash_latency(base / "latency.db", backlog, flashes))
        return out
    finally:
        if tmp:
            tmp.cleanup()


def _throughput(db_path: Path, posts: int, cables: int) -> dict[str, Any]:
    from cablegram.archive import open_archive

    archive = open_archive(str(db_path))
    db = archive.db
    names = _setup_posts(Directory(db), posts)
    transport = SqliteTransport(db)
    owner = Principal.archive_owner()
    t0 = time.perf_counter()
    for n in range(cables):
        text = _DRAFT.format(fm=names[n % len(names)], prec="", n=n)
        release(db, text, owner, transport, archive=archive)
    t1 = time.perf_counter()
    delivered = relay_once(db, transport)
    t2 = time.perf_counter()
    archive.close()
    return {"cables_released": cables, "release_per_s": round(cables / (t1 - t0), 1),
            "deliveries": delivered, "deliveries_per_s": round(delivered / (t2 - t1), 1)}


def _flash_latency(db_path: Path, backlog: int, flashes: int) -> dict[str, Any]:
    relay_db = SqliteDb(db_path)
    Directory(relay_db, seed=False)  # creates the msg_ tables
    transport = SqliteTransport(relay_db)
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    with relay_db.transaction():
        transport.publish([
            Delivery(f"BACKLOG{n}:AMEMBASSY X", f"26X{n}", "AMEMBASSY Y", "AMEMBASSY X",
                     None, Precedence.ROUTINE, None, stamp)
            for n in range(backlog)])
    publisher_db = SqliteDb(db_path)
    publisher = SqliteTransport(publisher_db)
    stop = threading.Event()
    relay = threading.Thread(target=relay_forever, args=(relay_db, transport),
                             kwargs={"stop": stop, "poll": 0.005}, daemon=True)
    relay.start()
    sent: dict[str, float] = {}
    try:
        for n in range(flashes):
            time.sleep(0.02)
            did = f"FLASH{n}:AMEMBASSY X"
            with publisher_db.transaction():
                sent[did] = time.time()
                publisher.publish([Delivery(did, f"26Z{n}", "AMEMBASSY Y", "AMEMBASSY X", None,
                                            Precedence.FLASH, None, stamp)])
        deadline = time.time() + 30
        while time.time() < deadline:
            rows = publisher_db.query("SELECT COUNT(*) FROM msg_delivery WHERE delivery_id "
                                      "LIKE 'FLASH%'")
            if rows[0][0] >= flashes:
                break
            time.sleep(0.01)
    finally:
        stop.set()
        relay.join(10)
    rows = publisher_db.query("SELECT delivery_id, delivered_at FROM msg_delivery "
                              "WHERE delivery_id LIKE 'FLASH%'")
    routine_left = transport.pending()
    latencies = sorted(max(0.0, _iso_to_epoch(at) - sent[did]) for did, at in rows)
    relay_db.close()
    publisher_db.close()
    if not latencies:
        return {"flash_delivered": 0}
    p99 = latencies[min(len(latencies) - 1, round(0.99 * (len(latencies) - 1)))]
    return {"backlog": backlog, "flash_delivered": len(latencies),
            "routine_still_waiting": routine_left,
            "flash_p50_ms": round(statistics.median(latencies) * 1000, 2),
            "flash_p99_ms": round(p99 * 1000, 2),
            "flash_max_ms": round(latencies[-1] * 1000, 2)}


if __name__ == "__main__":  # python -m cablegram.messaging.bench
    import json
    import sys

    small = "--smoke" in sys.argv
    print(json.dumps(run(posts=20 if small else 250, cables=5 if small else 100,
                         backlog=2_000 if small else 100_000, flashes=5 if small else 50),
                     indent=2))
