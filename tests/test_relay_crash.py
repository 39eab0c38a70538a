"""A relay killed at any moment delivers every released cable exactly once.

Real relay processes (``cablegram relay``) over a real SQLite archive are
killed with SIGKILL at random instants, many times, while more cables are
released; after a final run every delivery release queued is in its post's
inbox exactly once, the queue is empty and no post sees a gap or a duplicate
in any continuity-number series (issue 6, point 6).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_messaging_draft import draft

from cablegram.access.principal import Principal
from cablegram.archive import open_archive
from cablegram.messaging import inbox as ib
from cablegram.messaging.release import release
from cablegram.messaging.transport_sqlite import SqliteTransport

pytestmark = pytest.mark.slow

KILLS = 20
BACKLOG = 1500  # deliveries waiting when each relay starts
NATO = draft(**{"XMT AMEMBASSY LONDON\n": "", "IMMEDIATE": "", "PRIORITY": ""}).replace(
    "TO SECSTATE WASHDC \n", "TO SECSTATE WASHDC FLASH\n", 1)


def _relay(db: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-c", "from cablegram.cli import main; main()", "relay",
         "--archive", db, "--batch", "2"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def test_relay_killed_many_times_delivers_exactly_once(tmp_path: Path) -> None:
    rng = random.Random(20260518)
    db = str(tmp_path / "crash.db")
    archive = open_archive(db)
    transport = SqliteTransport(archive.db)
    owner = Principal.archive_owner()
    texts = [NATO, draft(**{"XMT AMEMBASSY LONDON\n": ""})]

    def release_some(n: int) -> None:
        for _ in range(n):
            release(archive.db, rng.choice(texts), owner, transport, archive=archive)

    release_some(20)
    kills = mid_work = 0

    def delivered_count() -> int:
        return int(archive.db.query("SELECT COUNT(*) FROM msg_delivery")[0][0])

    while kills < KILLS:
        # Keep a backlog, so that a kill lands in the middle of the relay's work
        # however fast the machine drains the queue.
        while transport.pending() < BACKLOG:
            release_some(1)
        before = delivered_count()
        proc = _relay(db)
        if kills % 4 == 0:
            time.sleep(rng.uniform(0.0, 0.5))  # sometimes die while starting up
        else:
            # wait until it delivers, then kill it at a random instant of its work
            # while the originators keep releasing
            deadline = time.monotonic() + 20
            while delivered_count() == before and time.monotonic() < deadline:
                time.sleep(0.005)
            release_some(rng.randint(0, 3))
            time.sleep(rng.uniform(0.0, 0.05))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        kills += 1
        if delivered_count() > before and transport.pending() > 0:
            mid_work += 1  # killed while it was delivering
    pending_before_last = transport.pending()
    proc = subprocess.run(
        [sys.executable, "-c", "from cablegram.cli import main; main()", "relay", "--once",
         "--archive", db], capture_output=True, text=True, timeout=60, check=True)
    assert proc.stdout.strip() == f"delivered {pending_before_last}"

    q = archive.db.query
    sent = {r[0] for r in q("SELECT delivery_id FROM msg_sent")}
    delivered = [r[0] for r in q("SELECT delivery_id FROM msg_delivery")]
    assert len(sent) > 1000
    assert len(delivered) == len(set(delivered))  # no delivery twice
    assert set(delivered) == sent  # every delivery once
    assert transport.pending() == 0
    released = q("SELECT COUNT(*) FROM msg_release")[0][0]
    for (ref,) in q("SELECT reference_id FROM msg_release"):
        archive.get(ref, owner)  # every released cable is in the archive
    posts = [r[0] for r in q("SELECT DISTINCT destination FROM msg_delivery")]
    for post in posts:
        assert ib.gaps(archive.db, post) == [], post
    # every post received each cable addressed to it exactly once, in its MCN series
    per_post = q("SELECT destination, COUNT(*), COUNT(DISTINCT reference_id) FROM msg_delivery "
                 "GROUP BY destination")
    assert all(n == distinct for _, n, distinct in per_post)
    assert released >= 60 and kills == KILLS
    print(f"kills landing mid-delivery: {mid_work} of {KILLS}")
    # most kills must land mid-delivery, or the test would not test the crash path
    assert mid_work >= KILLS // 3, mid_work
    archive.close()


def test_release_killed_many_times_leaves_whole_releases(tmp_path: Path) -> None:
    """Releasing processes killed at random instants leave each release whole or absent:
    every reference number used is a released, archived cable with all its deliveries."""
    rng = random.Random(7)
    db = str(tmp_path / "rel.db")
    open_archive(db).close()
    src = tmp_path / "d.txt"
    src.write_text(NATO, encoding="utf-8")
    script = ("import sys\nfrom cablegram.cli import main\nsrc, db = sys.argv[1:3]\n"
              "while True:\n"
              "    sys.argv = ['cablegram', 'release', src, '--archive', db]\n"
              "    try:\n        main()\n    except SystemExit:\n        pass\n")
    for _ in range(8):
        proc = subprocess.Popen([sys.executable, "-c", script, str(src), db],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.8, 2.0))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    archive = open_archive(db)
    q = archive.db.query
    refs = [r[0] for r in q("SELECT reference_id FROM msg_release ORDER BY released_at")]
    assert len(refs) >= 8, len(refs)  # many releases, some killed half-way
    serial = q("SELECT value FROM msg_counter WHERE series LIKE 'mrn:OSLO:%'")[0][0]
    assert sorted(int(r[6:]) for r in refs) == list(range(1, serial + 1))  # no number lost
    per_ref = dict(q("SELECT reference_id, COUNT(*) FROM msg_sent GROUP BY reference_id"))
    queued = q("SELECT COUNT(*) FROM msg_queue")[0][0]
    assert all(per_ref[r] == per_ref[refs[0]] for r in refs)  # every delivery of each
    assert queued == sum(per_ref.values())  # and each one queued
    for ref in refs:
        archive.get(ref, Principal.archive_owner())  # and archived
    mcns = [r[0] for r in q("SELECT mcn FROM msg_sent WHERE destination = 'AMEMBASSY PARIS' "
                            "ORDER BY enqueued_at")]
    assert mcns == [f"{n:04d}" for n in range(1, len(refs) + 1)]
    archive.close()
