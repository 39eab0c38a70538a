"""Value types of the model, table-driven, each case naming its rule."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cablegram.access.principal import Principal, may_read
from cablegram.model import (
    Addressee,
    Dtg,
    Level,
    PortionMark,
    Precedence,
    ReferenceId,
    RoutingIndicator,
    julian_time_of_file,
    parse_julian,
)


@pytest.mark.parametrize(
    ("text", "year", "canonical"),
    [
        ("07OSLO525", None, "07OSLO525"),  # T2 canonical
        ("OSLO 000525", 2007, "07OSLO525"),  # T1 message reference number + the cable's year
        ("07 OSLO 525", None, "07OSLO525"),  # T7 REF with a year
        ("SECSTATE 64981", 2007, "07STATE64981"),  # T7: SECSTATE and STATE are one origin
        ("STATE 64981", 7, "07STATE64981"),
        ("99 PRETORIA 12315", None, "99PRETORIA12315"),
        ("ABU DHABI 001234", 2008, "08ABUDHABI1234"),  # T1 origin with a space
        ("66 BUENOS AIRES 2481", None, "66BUENOSAIRES2481"),
    ],
)
def test_reference_id_forms(text: str, year: int | None, canonical: str) -> None:
    assert str(ReferenceId.parse(text, year=year)) == canonical


def test_reference_id_year_expansion_and_errors() -> None:
    assert ReferenceId.parse("66BUENOSAIRES2481").full_year == 1966
    assert ReferenceId.parse("09STATE1").full_year == 2009
    with pytest.raises(ValueError, match="no year"):
        ReferenceId.parse("OSLO 000525")
    assert ReferenceId.try_parse("not an id") is None


@given(st.integers(0, 99), st.sampled_from(["OSLO", "STATE", "ABUDHABI", "USUNNEWYORK"]),
       st.integers(1, 999999))
def test_reference_id_canonical_round_trip(year: int, origin: str, serial: int) -> None:
    rid = ReferenceId(year, origin, serial)
    assert ReferenceId.parse(str(rid)) == rid


def test_dtg_is_utc_and_round_trips() -> None:  # H6
    d = Dtg.parse("181433Z MAY 07")
    assert d.when == datetime(2007, 5, 18, 14, 33, tzinfo=UTC)
    assert str(d) == "181433Z MAY 07"
    assert Dtg.parse("281848Z DEC 66").when.year == 1966  # H10 paper era
    with pytest.raises(ValueError):
        Dtg.parse("181433Z FOO 07")


def test_julian_time_of_file_counts_leap_days() -> None:  # H4
    assert julian_time_of_file(datetime(2007, 5, 18, 14, 33, tzinfo=UTC)) == "1381433"
    assert julian_time_of_file(datetime(2008, 12, 31, 0, 5, tzinfo=UTC)) == "3660005"
    assert parse_julian("1381433", 2007) == datetime(2007, 5, 18, 14, 33, tzinfo=UTC)


def test_precedence_order_and_prosigns() -> None:  # P1, H3
    order = sorted(Precedence, reverse=True)
    assert [p.word for p in order] == ["FLASH", "NIACT IMMEDIATE", "IMMEDIATE", "PRIORITY",
                                       "ROUTINE"]
    assert Precedence.parse("niact  immediate") is Precedence.NIACT_IMMEDIATE
    assert Precedence.FLASH.prosign == "Z" and Precedence.NIACT_IMMEDIATE.prosign == "O"
    assert Precedence.from_prosign("O") is Precedence.IMMEDIATE
    assert Precedence.FLASH.needs_ack and not Precedence.IMMEDIATE.needs_ack  # P4


@pytest.mark.parametrize(
    ("mark", "level", "controls"),
    [("(C)", Level.CONFIDENTIAL, ()), ("(S//NF)", Level.SECRET, ("NF",)),
     ("(C/NF)", Level.CONFIDENTIAL, ("NF",)), ("(SBU)", Level.SBU, ()),
     ("(S//FGI//NF)", Level.SECRET, ("FGI", "NF")), ("(TS)", Level.TOP_SECRET, ())],
)
def test_portion_marks(mark: str, level: Level, controls: tuple[str, ...]) -> None:  # T9
    pm = PortionMark.parse(mark)
    assert (pm.level, pm.controls) == (level, controls)


def test_levels_are_ordered_and_parse_spaced_banners() -> None:  # C1, T1
    assert Level.UNCLASSIFIED < Level.SBU < Level.CONFIDENTIAL < Level.SECRET < Level.TOP_SECRET
    assert Level.parse("C O N F I D E N T I A L") is Level.CONFIDENTIAL
    assert Level.parse("T O P S E C R E T") is Level.TOP_SECRET
    assert Level.CONFIDENTIAL.spaced == "C O N F I D E N T I A L"
    assert Level.SECRET.warning == "ZNY SSSSS"  # H5


def test_routing_indicator_shape() -> None:  # H7
    assert str(RoutingIndicator("RUEHNY")) == "RUEHNY"
    for bad in ("XUEHNY", "RU", "RUEHNYXX"):
        with pytest.raises(ValueError):
            RoutingIndicator(bad)


def test_mcn_range() -> None:  # H9
    assert Addressee("X", mcn="2276-2279").mcn_range == (2276, 2279)
    assert Addressee("X", mcn="0791").mcn_range == (791, 791)
    assert Addressee("X").mcn_range is None


def test_may_read_rule() -> None:
    secret_us = Principal("a", Level.SECRET, frozenset({"NOFORN"}), frozenset({"AMEMBASSY OSLO"}))
    conf = Principal("b", Level.CONFIDENTIAL)
    today = date(2026, 1, 1)
    assert may_read(secret_us, Level.SECRET, ("NOFORN",), today=today).allowed
    assert not may_read(conf, Level.SECRET, (), today=today).allowed
    assert not may_read(conf, Level.CONFIDENTIAL, ("NOFORN",), today=today).allowed
    # a distribution caption is satisfied by a place on the cable's distribution (C2)
    assert may_read(secret_us, Level.SECRET, ("NODIS",), ("AMEMBASSY OSLO",), today=today).allowed
    assert not may_read(secret_us, Level.SECRET, ("NODIS",), ("SECSTATE WASHDC",),
                        today=today).allowed
    # declassified on schedule (C3): the public sees it
    assert may_read(Principal.public(), Level.SECRET, ("NOFORN",),
                    declassify_on=date(2016, 5, 16), today=today).allowed
    assert not may_read(Principal.public(), Level.SBU, (), today=today).allowed
    assert may_read(Principal.archive_owner(), Level.TOP_SECRET, ("NODIS",)).allowed


def test_cable_level_and_caveats_are_at_least_the_portions() -> None:  # C1, C2
    from cablegram.model import Cable, Classification, Paragraph

    banner = Classification(Level.CONFIDENTIAL, ("SIPDIS",))
    plain = Cable(raw="", classification=banner,
                  paragraphs=(Paragraph(1, "C", "a"), Paragraph(2, "U", "b")))
    assert plain.level is Level.CONFIDENTIAL and plain.caveats == ("SIPDIS",)
    raised = Cable(raw="", classification=banner,
                   paragraphs=(Paragraph(1, "C//NF", "a"), Paragraph(2, "S", "b")))
    assert raised.level is Level.SECRET  # a portion above the banner counts (C1)
    assert raised.caveats == ("SIPDIS", "NOFORN")  # a NOFORN portion makes the cable NOFORN
    assert raised.classification is banner  # the record keeps the banner as written
    # a withheld-from-foreigners cable is withheld from a reader without NOFORN
    reader = Principal("x", Level.TOP_SECRET)
    assert not may_read(reader, raised.level, raised.caveats, today=date(2000, 1, 1)).allowed
