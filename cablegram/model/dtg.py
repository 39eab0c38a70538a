"""Date-time groups and Julian times of file (rules H4, H6)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cablegram.model.fastinit import fast_init
from cablegram.model.ids import expand_year

MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_DTG_RE = re.compile(
    r"^(?P<d>\d{2})(?P<h>\d{2})(?P<m>\d{2})Z\s+(?P<mon>[A-Z]{3})\s+(?P<y>\d{2,4})$"
)


@fast_init
@dataclass(frozen=True, slots=True, order=True)
class Dtg:
    """A date-time group, always UTC (H6): ``181433Z MAY 07``."""

    when: datetime

    def __post_init__(self) -> None:
        if self.when.tzinfo is None:
            object.__setattr__(self, "when", self.when.replace(tzinfo=UTC))

    @classmethod
    def parse(cls, text: str) -> Dtg:
        m = _DTG_RE.match(" ".join(text.strip().upper().split()))
        if not m:
            raise ValueError(f"not a date-time group: {text!r}")
        mon = m["mon"]
        if mon not in MONTHS:
            raise ValueError(f"unknown month {mon!r} in date-time group {text!r}")
        y = int(m["y"])
        year = expand_year(y) if y < 100 else y
        when = datetime(year, MONTHS.index(mon) + 1, int(m["d"]), int(m["h"]), int(m["m"]),
                        tzinfo=UTC)
        return cls(when)

    def __str__(self) -> str:
        w = self.when.astimezone(UTC)
        return f"{w:%d%H%M}Z {MONTHS[w.month - 1]} {w.year % 100:02d}"

    def isoformat(self) -> str:
        return self.when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def julian_time_of_file(when: datetime) -> str:
    """``JJJHHMM``: day of year (leap years count) and UTC time (H4)."""
    w = when.astimezone(UTC)
    return f"{w.timetuple().tm_yday:03d}{w:%H%M}"


def parse_julian(text: str, year: int) -> datetime:
    """Read ``JJJHHMM`` in a known year (H4)."""
    if not re.fullmatch(r"\d{7}", text):
        raise ValueError(f"not a Julian time of file: {text!r}")
    day, hh, mm = int(text[:3]), int(text[3:5]), int(text[5:])
    return datetime(year, 1, 1, tzinfo=UTC) + timedelta(days=day - 1, hours=hh, minutes=mm)
