"""Counters release draws from, inside the caller's transaction (H2, H4, H9, T1).

- the message reference number: one series per originating post per year,
  ``OSLO 000525`` (T1, T2);
- the station serial on the DE line: the reference serial mod 10000 (H4);
- the channel sequence of the transmission id ``VZCZCXRO0001`` (H2), per station;
- the message continuity number (MCN): one series per (originator, addressee),
  4 digits, consecutive, wrapping 9999 -> 0000, never reset at year end; a
  cable sent in n sections takes n numbers, written as a range (H9).

Each counter is one row of ``msg_counter``; :func:`next_values` must run
inside ``db.transaction()`` so that the numbers and the cable that uses them
commit together or not at all.
"""

from __future__ import annotations

from cablegram.archive.api import Db

MCN_MODULO = 10_000  # H9: 4 digits, 9999 -> 0000
STATION_SERIAL_MODULO = 10_000  # H4


def next_values(db: Db, series: str, count: int = 1) -> tuple[int, int]:
    """Reserve ``count`` consecutive values of a series; return (first, last), from 1."""
    if count < 1:
        raise ValueError("count must be at least 1")
    if db.execute("UPDATE msg_counter SET value = value + ? WHERE series = ?",
                  (count, series)) == 0:
        db.execute("INSERT INTO msg_counter (series, value) VALUES (?, ?)", (series, count))
    last = int(db.query("SELECT value FROM msg_counter WHERE series = ?", (series,))[0][0])
    return last - count + 1, last


def current(db: Db, series: str) -> int:
    rows = db.query("SELECT value FROM msg_counter WHERE series = ?", (series,))
    return int(rows[0][0]) if rows else 0


def mrn_series(origin: str, year: int) -> str:
    return f"mrn:{origin}:{year}"


def mcn_series(originator: str, addressee: str) -> str:
    return f"mcn:{originator}:{addressee}"


def channel_series(station: str) -> str:
    return f"channel:{station}"


def format_mcn(first: int, last: int) -> str:
    """``0042`` or a range ``9999-0002`` (H9); the running count wraps at 10000."""
    a, b = first % MCN_MODULO, last % MCN_MODULO
    return f"{a:04d}" if first == last else f"{a:04d}-{b:04d}"


def station_serial(serial: int) -> int:
    return serial % STATION_SERIAL_MODULO
