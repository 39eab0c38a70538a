"""The measurement of the real corpus that the synthetic cables follow."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import corpus_path

from cablegram.synth import measure
from cablegram.synth.distributions import REQUIRED_KEYS, load


def test_measure_the_corpus_gives_every_key(tmp_path: Path) -> None:
    root = corpus_path()
    out = tmp_path / "d.json"
    assert measure.main([str(root), "-o", str(out)]) == 0
    d = load(out)
    assert set(REQUIRED_KEYS) <= set(d)
    assert d["modern_cables"] > 900
    # The seed's tags are common ones; the Department is the usual action addressee.
    assert {"PREL", "PGOV"} <= set(d["tags"])
    assert d["to"][0][:2] == ["SECSTATE WASHDC", "RUEHC"]
    # only role words and office symbols survive as classified-by titles (no names)
    for title in d["classified_by_titles"]:
        assert all(w.upper() in measure.ROLE_WORDS or "/" in w for w in title.split()), title
    # only counts and codes are stored: no paragraph of any cable
    text = out.read_text()
    assert max(len(s) for s in json.loads(text)["tags"]) <= 6


def test_measure_reports_a_missing_corpus(tmp_path: Path) -> None:
    assert measure.main([str(tmp_path / "absent")]) == 66
