"""The founding example 07OSLO525 (issue 2's list), read from the seed's Markdown form."""

from __future__ import annotations

from datetime import date

import pytest
from conftest import corpus_path

from cablegram.formats.plusd_markdown import parse_plusd_markdown
from cablegram.formats.telegram import parse_telegram, render_telegram
from cablegram.model import Cable, Level, Precedence


@pytest.fixture(scope="module")
def seed() -> Cable:
    path = corpus_path("seed", "07OSLO525.md")
    return parse_plusd_markdown(path.read_text(encoding="utf-8"), path=str(path))


def test_identity_and_classification(seed: Cable) -> None:
    assert str(seed.reference_id) == "07OSLO525"
    assert seed.origin == "OSLO"
    assert seed.level is Level.CONFIDENTIAL
    assert seed.classification.banner == "CONFIDENTIAL"
    assert seed.captions == ("SIPDIS",)  # doubled SIPDIS counts once (A2)
    assert seed.source.format == "plusd-markdown"


def test_paragraphs_one_to_seven_all_confidential(seed: Cable) -> None:
    # T9, A3: **¶11.** is paragraph 1, ¶ 15. is paragraph 5
    assert [p.number for p in seed.paragraphs] == [1, 2, 3, 4, 5, 6, 7]
    assert all(p.marking == "C" for p in seed.paragraphs)


def test_references_and_declassification(seed: Cable) -> None:
    assert [str(r.id) for r in seed.references] == ["07STATE64981"]  # T7: SECSTATE = STATE
    assert seed.declassify_on == date(2016, 5, 16)  # T4
    assert seed.eo == "12958"


def test_tags(seed: Cable) -> None:
    assert [t.code for t in seed.tags] == ["MOPS", "PARM", "PREL", "NATO", "NO"]
    kinds = {t.code: t.kind.value for t in seed.tags}
    assert kinds["NO"] == "country" and kinds["NATO"] == "organisation"
    assert kinds["PREL"] == "subject"


def test_addressees(seed: Cable) -> None:
    assert len(seed.to) == 1
    to = seed.to[0]
    assert (to.ri, to.name, to.precedence, to.mcn) == (
        "RUEHC", "SECSTATE WASHDC", Precedence.IMMEDIATE, "5689")
    assert len(seed.info) == 7
    assert all(a.precedence is Precedence.IMMEDIATE for a in seed.info)
    assert [a.mcn for a in seed.info] == [None, "1061", "0791", "3116", "1608", None, None]
    assert seed.info[0].collective and not seed.info[1].collective
    assert seed.precedence is Precedence.IMMEDIATE


def test_header(seed: Cable) -> None:
    h = seed.header
    assert h is not None
    assert h.transmission_id == "VZCZCXYZ0000"
    assert (h.station, h.station_serial, h.section, h.time_of_file) == ("RUEHNY", 525, 1,
                                                                       "1381433")
    assert h.security_warning == "ZNY CCCCC" and h.operating_signals == ("ZZH",)
    assert str(seed.dtg) == "181433Z MAY 07"


def test_signer_and_classified_by(seed: Cable) -> None:
    assert seed.signer == "WHITNEY"
    cb = seed.classified_by
    assert cb is not None
    assert cb.name == "Kevin M. Johnson" and cb.title == "Deputy Chief of Mission"
    assert cb.reasons == ("b", "d") and cb.authority == "1.4"


def test_page_breaks_joined_and_quotes_repaired(seed: Cable) -> None:
    p4, p6 = seed.paragraphs[3].text, seed.paragraphs[5].text
    assert "\n" not in p4 and "mechanism to do this and are worried that" in p4
    assert "\n" not in p6 and "would consider supporting a negotiating mandate" in p6
    assert '"penal sanctions"' in seed.paragraphs[2].text  # A1
    assert '"penal sanctions"' in seed.cleaned
    assert "&penal" in seed.raw  # raw unchanged


def test_spans(seed: Cable) -> None:
    kinds = {(s.kind, s.first, s.last) for s in seed.spans}
    assert ("summary", 1, 1) in kinds and ("comment", 7, 7) in kinds


def test_seed_round_trips_through_the_telegram_form(seed: Cable) -> None:
    from cablegram.formats.jsonform import record_view

    again = parse_telegram(render_telegram(seed))
    assert record_view(again) == record_view(seed)
