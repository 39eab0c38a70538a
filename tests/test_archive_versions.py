"""Versions as a property: any sequence of texts, in any batching, gives the model's archive.

The model: per reference id, the distinct texts in order of first appearance
are versions 1, 2, ...; the last of them is current; a text seen before is
"unchanged". Batch boundaries (one transaction each) must not matter, and the
change sequence must hand the search index each id's current text.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_archive_factory import make_cable

from cablegram.access.principal import Principal
from cablegram.archive import open_archive

IDS = ["06ROME1", "06ROME2", "06PARIS3"]
BODIES = ["alpha", "beta", "gamma", "delta"]
_run = itertools.count()

steps = st.lists(st.tuples(st.sampled_from(IDS), st.sampled_from(BODIES)), min_size=1,
                 max_size=25)
cuts = st.lists(st.integers(1, 25), max_size=5)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    yield tmp_path_factory.mktemp("versions")


def _model(seq: list[tuple[str, str]]) -> tuple[list[str], dict[str, list[str]]]:
    outcomes: list[str] = []
    texts: dict[str, list[str]] = {}
    for rid, body in seq:
        known = texts.setdefault(rid, [])
        if body in known:
            outcomes.append("unchanged")
        else:
            outcomes.append("version" if known else "new")
            known.append(body)
    return outcomes, texts


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seq=steps, splits=cuts)
def test_any_batching_gives_the_model(workdir: Path, seq: list[tuple[str, str]],
                                      splits: list[int]) -> None:
    with open_archive(str(workdir / f"v{next(_run)}.db")) as a:
        cables = [make_cable(rid, body=body) for rid, body in seq]
        bounds = sorted({0, len(cables), *(c for c in splits if c < len(cables))})
        outcomes: list[str] = []
        for lo, hi in itertools.pairwise(bounds):
            outcomes += a.store.write_batch(cables[lo:hi])
        want_outcomes, texts = _model(seq)
        assert outcomes == want_outcomes
        owner = Principal.archive_owner()
        for rid, bodies in texts.items():
            versions = a.versions(rid, owner)
            assert [v.version for v in versions] == list(range(1, len(bodies) + 1))
            assert [v.current for v in versions] == [False] * (len(bodies) - 1) + [True]
            assert [v.cable.paragraphs[0].text for v in versions] == bodies
        changes = a.store.changes_since(0)
        current: dict[str, Any] = {rid: c for _, rid, c in changes}
        assert {rid: c.paragraphs[0].text for rid, c in current.items()} == {
            rid: bodies[-1] for rid, bodies in texts.items()}
        assert a.store.max_seq() == sum(len(b) for b in texts.values())
