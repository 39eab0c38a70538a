"""The synthetic corpus: deterministic, realistic, and readable back without warnings."""

from __future__ import annotations

import hashlib
import io
import random
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from cablegram.cli import cli
from cablegram.formats.cablescsv import iter_cables_csv
from cablegram.formats.jsonform import record_view
from cablegram.formats.telegram import parse_telegram, render_telegram
from cablegram.formats.wikileaks import parse_wikileaks_html
from cablegram.model import Cable, Level, ReferenceId
from cablegram.synth import distributions as dist
from cablegram.synth import generate, wikileaks_writer
from cablegram.synth.language import Language, fill, model, slot_values
from cablegram.synth.output import csv_row, csv_text


@pytest.fixture(scope="module")
def cables() -> list[Cable]:
    return list(generate(400, seed=11))


def _same_record(meant: Cable, read: Cable, form: str) -> None:
    assert read.warnings == (), f"{meant.reference_id} ({form}): {[str(w) for w in read.warnings]}"
    a, b = record_view(meant), record_view(read)
    diff = {k: (a[k], b[k]) for k in a if a[k] != b[k]}
    assert not diff, f"{meant.reference_id} ({form}) read back differently: {diff}"


def test_telegram_text_reads_back_to_what_was_meant(cables: list[Cable]) -> None:
    for c in cables:
        _same_record(c, parse_telegram(render_telegram(c)), "telegram")


def test_wikileaks_pages_read_back_to_what_was_meant(cables: list[Cable]) -> None:
    for c in cables[:150]:
        page = wikileaks_writer.page(c, render_telegram(c))
        read = parse_wikileaks_html(page.encode("utf-8"), path=f"{c.reference_id}.html")
        _same_record(c, read, "wikileaks-html")
        # the page's own table agrees with the text (the reader keeps it as metadata)
        assert read.source.metadata.get("reference_id") == str(c.reference_id)


def test_cables_csv_reads_back_to_what_was_meant(cables: list[Cable]) -> None:
    subset = cables[:150]
    data = csv_text(csv_row(i, c, render_telegram(c)) for i, c in enumerate(subset, start=1))
    read = list(iter_cables_csv(io.BytesIO(data.encode("utf-8")), name="synth.csv"))
    assert len(read) == len(subset)
    for c, r in zip(subset, read, strict=True):
        assert isinstance(r, Cable), r
        _same_record(c, r, "cables-csv")


def test_same_seed_same_cables_other_seed_other_cables() -> None:
    a = [render_telegram(c) for c in generate(60, seed=5)]
    b = [render_telegram(c) for c in generate(60, seed=5)]
    c = [render_telegram(c) for c in generate(60, seed=6)]
    assert a == b
    assert a != c


def _tree_digest(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("fmt", ["telegram", "wikileaks-html", "cables-csv"])
def test_cli_writes_the_same_bytes_for_the_same_seed(tmp_path: Path, fmt: str) -> None:
    runner = CliRunner()
    for name in ("one", "two"):
        res = runner.invoke(cli, ["synth", "--count", "25", "--seed", "3", "--format", fmt,
                                  "-q", "-o", str(tmp_path / name)])
        assert res.exit_code == 0, res.output
        assert "wrote 25 cables" in res.output
    one, two = _tree_digest(tmp_path / "one"), _tree_digest(tmp_path / "two")
    assert one == two
    assert len(one) == (1 if fmt == "cables-csv" else 25)


def test_cli_rejects_a_bad_format(tmp_path: Path) -> None:
    res = CliRunner().invoke(cli, ["synth", "--format", "pdf", "-o", str(tmp_path)])
    assert res.exit_code != 0
    assert "pdf" in res.output


def test_continuity_numbers_are_consecutive_per_originator_and_addressee(
        cables: list[Cable]) -> None:
    """H9: one series per (originating office, addressee), wrapping 9999 -> 0000."""
    last: dict[tuple[str, str], int] = {}
    checked = 0
    for c in cables:
        assert c.originator_ri is not None
        for a in c.addressees:
            r = a.mcn_range
            if a.collective:
                assert r is None  # collectives carry no MCN (H9)
            if r is None:
                continue
            key = (c.originator_ri, a.name)
            if key in last:
                assert r[0] == (last[key] + 1) % 10000, (c.reference_id, a)
                checked += 1
            last[key] = r[1]
            n_sections = c.section[1] if c.section else 1
            assert (r[1] - r[0]) % 10000 == n_sections - 1  # a range for sections (H9)
    assert checked > 100


def test_numbering_and_references(cables: list[Cable]) -> None:
    ids = [c.reference_id for c in cables]
    assert all(isinstance(i, ReferenceId) for i in ids)
    assert len(set(ids)) == len(ids)
    # serials rise per (origin, year), and time only moves forward
    top: dict[tuple[str, int], int] = {}
    for c in cables:
        rid = c.reference_id
        assert rid is not None and c.header is not None
        assert rid.serial > top.get((rid.origin, rid.year), 0)
        top[(rid.origin, rid.year)] = rid.serial
        assert c.header.station_serial == rid.serial % 10000  # H4
    whens = [c.dtg.when for c in cables if c.dtg]
    assert whens == sorted(whens)
    seen: set[ReferenceId] = set()
    earlier = missing = 0
    for c in cables:
        for r in c.references:
            assert r.id is not None and r.id != c.reference_id
            if r.id in seen:
                earlier += 1
            else:
                assert r.id not in ids, f"{c.reference_id} cites a later cable {r.id}"
                missing += 1
        assert c.reference_id is not None
        seen.add(c.reference_id)
    assert earlier > 10 and missing > 10


def test_features_follow_the_measured_distributions() -> None:
    d = dist.shipped()
    sample = list(generate(1500, seed=2))
    levels = Counter(c.level.name for c in sample)
    total = sum(d["levels"].values())
    for name, n in d["levels"].items():
        assert abs(levels[name] / len(sample) - n / total) < 0.05, (name, levels)
    # C1 and C4: classified cables mark every paragraph, none above the cable's level
    for c in sample:
        if c.level >= Level.CONFIDENTIAL:
            assert c.classified_by is not None and c.declassify_on is not None
            assert all(p.level is not None and p.level <= c.level for p in c.paragraphs)
    tags = Counter(t.code for c in sample for t in c.tags)
    assert tags.most_common(1)[0][0] == next(iter(d["tags"]))  # PREL leads, as measured
    assert len({c.origin for c in sample}) > 50


def test_text_has_a_long_tail_of_rare_words() -> None:
    """Topics and invented names follow Zipf weights, so search meets rare terms too."""
    import re

    sample = list(generate(1500, seed=4))
    df: Counter[str] = Counter()
    for c in sample:
        df.update(set(re.findall(r"[a-z]+", c.body.lower())))
    assert len(df) > 1500
    rare = [w for w, n in df.items() if n <= 3]
    assert len(rare) > 500
    assert sum(1 for c in sample if "Embassy" in c.body) > len(sample) // 2


def test_language_model_is_our_own_and_fills_every_slot() -> None:
    m = model()
    assert ("<s>", "<s>") in m.table
    lang = Language.build(seed=1, size=300)
    assert len(lang.sentences) == 300
    rng = random.Random(0)
    text = lang.paragraph(rng, 30, slot_values(rng, "Norway", "Oslo"))
    assert "{" not in text and "}" not in text
    assert fill("{COUNTRY} and {NOPE}", {"COUNTRY": "Chile"}) == "Chile and nope"


def test_distributions_file_is_checked(tmp_path: Path) -> None:
    bad = tmp_path / "d.json"
    bad.write_text('{"years": {}}')
    with pytest.raises(Exception, match="re-run"):
        dist.load(bad)


def test_wikileaks_writer_escapes_cable_text(cables: list[Cable]) -> None:
    """Cable text is untrusted: markup in it is written escaped and reads back as text."""
    import dataclasses

    c = cables[0]
    evil = "<script>alert(1)</script> <a href='x'>see</a>"
    para = dataclasses.replace(c.paragraphs[0], text=f"{c.paragraphs[0].text} {evil}")
    c = dataclasses.replace(c, subject=f"{c.subject} <B>BOLD</B>",
                            paragraphs=(para, *c.paragraphs[1:]))
    page = wikileaks_writer.page(c, render_telegram(c))
    assert "<script>" not in page and "<B>" not in page
    assert "&lt;script&gt;" in page
    read = parse_wikileaks_html(page.encode("utf-8"))
    assert read.subject == c.subject
    assert evil in read.paragraphs[0].text
