"""The SQL visibility filter agrees with the access core's may_read, always.

Hypothesis generates principals and cables (levels, restrictive and harmless
caveats, distributions written in odd spacing, declassification dates around
today); each cable is stored in a real SQLite archive and the filter's answer
is compared with ``may_read`` for the same inputs.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_archive_factory import make_cable, pg_database

from cablegram.access.principal import Principal, distribution_of, may_read
from cablegram.archive import open_archive
from cablegram.archive.sqlfilter import distribution_names, visibility_sql
from cablegram.model import Addressee, Cable, Level

TODAY = date.today()
CAVEATS = ["NOFORN", "NODIS", "EXDIS", "LIMDIS", "STADIS", "ROGER", "SIPDIS", "SENSITIVE",
           "REL TO", "FGI", "noforn"]
POSTS = ["AMEMBASSY OSLO", "RUEHNY", "SECSTATE WASHDC", "RUEHC", "AMEMBASSY PARIS",
         "RUEHFR", "AMCONSUL  LYON", "ruehny"]

levels = st.sampled_from(list(Level))
dates = st.one_of(st.none(), st.integers(-400, 400).map(lambda d: TODAY + timedelta(days=d)))
principals = st.builds(
    Principal, name=st.sampled_from(["a", "public"]), clearance=levels,
    caveats=st.frozensets(st.sampled_from(CAVEATS), max_size=4),
    posts=st.frozensets(st.sampled_from(POSTS), max_size=3), owner=st.booleans())
addressees = st.builds(Addressee, name=st.sampled_from(POSTS),
                       ri=st.one_of(st.none(), st.sampled_from(["RUEHNY", "RUEHC", "RUEHFR"])))
_serial = itertools.count(1)


@st.composite
def cables(draw: st.DrawFn) -> Cable:
    base = make_cable(f"10TEST{next(_serial)}", level=draw(levels),
                      caveats=tuple(draw(st.lists(st.sampled_from(CAVEATS), max_size=3,
                                                  unique=True))),
                      declassify_on=draw(dates))
    return type(base)(**{**{f: getattr(base, f) for f in base.__dataclass_fields__},
                         "originator_name": draw(st.sampled_from([None, *POSTS])),
                         "originator_ri": draw(st.sampled_from([None, "RUEHNY"])),
                         "to": tuple(draw(st.lists(addressees, max_size=2))),
                         "info": tuple(draw(st.lists(addressees, max_size=2))),
                         "xmt": tuple(draw(st.lists(addressees, max_size=1)))})


@pytest.fixture(scope="module",
                params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def archive(request: pytest.FixtureRequest,
            tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    if request.param == "sqlite":
        path: Path = tmp_path_factory.mktemp("sqlfilter") / "a.db"
        with open_archive(str(path)) as a:
            yield a
        return
    for url in pg_database():  # created here, dropped when the module is done
        with open_archive(url) as a:
            yield a


def test_distribution_matches_the_access_core() -> None:
    c = make_cable("09OSLO1", to=("AMCONSUL  LYON",), originator="AMEMBASSY OSLO")
    assert distribution_names(c) == distribution_of(c)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(principal=principals, batch=st.lists(cables(), min_size=1, max_size=6))
def test_sql_filter_agrees_with_may_read(archive: Any, principal: Principal,
                                         batch: list[Cable]) -> None:
    for c in batch:
        archive.add(c)
    ids = [str(c.reference_id) for c in batch]
    vis, params = visibility_sql(principal, archive.db.dialect, table="c", today=TODAY)
    marks = ", ".join("?" for _ in ids)
    seen = {r[0] for r in archive.db.query(
        f"SELECT c.reference_id FROM cables c WHERE c.reference_id IN ({marks}) AND {vis}",
        [*ids, *params])}
    for c in batch:
        expected = may_read(principal, c.level, c.caveats, distribution_of(c), c.declassify_on,
                            TODAY).allowed
        assert (str(c.reference_id) in seen) == expected, (principal, c.level, c.caveats,
                                                           distribution_of(c), c.declassify_on)
