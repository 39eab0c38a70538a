"""The decision core and portion-level redaction (rules C1-C3, T3, T9; points 1, 3, 4)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from cablegram.access.principal import (
    CHANNEL_CAPTIONS,
    Principal,
    decide,
    decide_paragraph,
    decide_partial,
    portion_floor,
)
from cablegram.access.redact import WITHHELD, get_policy, redact, set_policy
from cablegram.errors import QueryError
from cablegram.model import Addressee, Cable, Classification, Level, Paragraph

TODAY = date(2026, 1, 1)
SECRET_TEXT = "THE MINISTER CONFIDED A SECRET PLAN"
CONF_TEXT = "THE MINISTRY SHARED A CONFIDENTIAL VIEW"
U_TEXT = "THE WEATHER IN OSLO WAS PLEASANT"


def cable(level: Level = Level.SECRET, caveats: tuple[str, ...] = (), *,
          decl: date | None = date(2030, 1, 1), subject_marking: str | None = "(C)",
          paragraphs: tuple[Paragraph, ...] | None = None) -> Cable:
    # By default the portions at or below the banner: a portion above it would
    # raise the cable's level (C1).
    paras = paragraphs if paragraphs is not None else tuple(
        p for p in (Paragraph(1, "U", U_TEXT), Paragraph(2, "C", CONF_TEXT),
                    Paragraph(3, "S", SECRET_TEXT))
        if p.level is not None and p.level <= max(level, Level.UNCLASSIFIED))
    raw = "\n".join(f"{p.number}. ({p.marking}) {p.text}" for p in paras)
    return Cable(raw=raw, cleaned=raw, classification=Classification(level, caveats),
                 originator_name="AMEMBASSY OSLO", originator_ri="RUEHNY",
                 to=(Addressee("SECSTATE WASHDC", ri="RUEHC"),),
                 subject="NORWAY AND THE PLAN", subject_marking=subject_marking,
                 declassify_on=decl, paragraphs=paras)


def P(name: str, level: Level, caveats: tuple[str, ...] = (), posts: tuple[str, ...] = ()
      ) -> Principal:
    return Principal(name, level, frozenset(caveats), frozenset(posts))


def test_clearance_orders_levels_c1() -> None:
    c = cable(Level.SECRET)
    assert not decide(P("c", Level.CONFIDENTIAL), c, TODAY)
    assert decide(P("s", Level.SECRET), c, TODAY).reason == "cleared"
    assert decide(P("c", Level.CONFIDENTIAL), c, TODAY).reason == "needs clearance SECRET"
    assert decide(Principal.archive_owner(), c, TODAY).allowed


def test_public_sees_unclassified_and_declassified_c3() -> None:
    pub = Principal.public()
    assert decide(pub, cable(Level.UNCLASSIFIED, decl=None), TODAY)
    assert not decide(pub, cable(Level.SBU, decl=None), TODAY)
    assert not decide(pub, cable(Level.CONFIDENTIAL), TODAY)
    assert decide(pub, cable(Level.SECRET, decl=date(2016, 5, 16)), TODAY).reason == "declassified"


def test_noforn_needs_a_us_person_c2() -> None:
    c = cable(Level.CONFIDENTIAL, ("NOFORN",))
    assert decide(P("x", Level.SECRET), c, TODAY).reason == "needs caveat NOFORN"
    assert decide(P("x", Level.SECRET, ("NOFORN",)), c, TODAY)
    # A post on the distribution does not lift NOFORN: it is about nationality.
    assert not decide(P("x", Level.SECRET, posts=("RUEHNY",)), c, TODAY)


@pytest.mark.parametrize(
    "caption", ["NODIS", "EXDIS", "LIMDIS", "STADIS", *sorted(CHANNEL_CAPTIONS)]
)
def test_distribution_and_channel_captions_t3(caption: str) -> None:
    c = cable(Level.CONFIDENTIAL, (caption, "SIPDIS"))
    assert not decide(P("x", Level.SECRET), c, TODAY)
    assert decide(P("x", Level.SECRET, (caption,)), c, TODAY)
    # staff of a post on the distribution (originator or addressee, by name or RI)
    assert decide(P("x", Level.SECRET, posts=("AMEMBASSY OSLO",)), c, TODAY)
    assert decide(P("x", Level.SECRET, posts=("RUEHC",)), c, TODAY)
    assert not decide(P("x", Level.SECRET, posts=("AMEMBASSY PARIS",)), c, TODAY)


def test_sipdis_restricts_nobody() -> None:
    assert decide(P("x", Level.CONFIDENTIAL), cable(Level.CONFIDENTIAL, ("SIPDIS",)), TODAY)


def test_paragraph_decisions_t9() -> None:
    c = cable(Level.SECRET)
    conf = P("c", Level.CONFIDENTIAL)
    assert [decide_paragraph(conf, c, p, TODAY).allowed for p in c.paragraphs] == \
        [True, True, False]
    nf = Paragraph(4, "C//NF", "X")
    assert not decide_paragraph(P("s", Level.SECRET), c, nf, TODAY)
    assert decide_paragraph(P("s", Level.SECRET, ("NOFORN",)), c, nf, TODAY)
    # an unmarked portion of a classified cable counts at the cable's level (C4)
    assert not decide_paragraph(conf, c, Paragraph(None, None, "X"), TODAY)


def test_portion_floor_ignores_portions_with_own_controls() -> None:
    assert portion_floor(cable(Level.SECRET)) is Level.UNCLASSIFIED
    c = cable(Level.SECRET, paragraphs=(Paragraph(1, "U//NF", "A"), Paragraph(2, "C", "B")))
    assert portion_floor(c) is Level.CONFIDENTIAL
    assert portion_floor(cable(Level.SECRET, paragraphs=())) is Level.SECRET


def test_whole_cable_policy_hides_everything() -> None:
    c = cable(Level.SECRET)
    assert redact(c, P("c", Level.CONFIDENTIAL), "whole-cable", TODAY) is None
    assert redact(c, P("s", Level.SECRET), "whole-cable", TODAY) is c


def test_portion_policy_withholds_with_marking_c3() -> None:
    c = cable(Level.SECRET)
    r = redact(c, P("c", Level.CONFIDENTIAL), "portion", TODAY)
    assert r is not None
    assert [p.text for p in r.paragraphs] == [U_TEXT, CONF_TEXT, WITHHELD]
    assert "3. (S) [withheld]" in r.raw and r.raw == r.cleaned
    assert SECRET_TEXT not in repr(r)
    assert r.subject == "NORWAY AND THE PLAN"  # marked (C): released to a CONFIDENTIAL reader
    assert r.source.metadata["redacted"]["withheld_paragraphs"] == [3]
    assert r.warnings == ()


def test_portion_policy_subject_and_public() -> None:
    c = cable(Level.SECRET)
    r = redact(c, Principal.public(), "portion", TODAY)
    assert r is not None and r.subject == WITHHELD
    assert [p.text for p in r.paragraphs] == [U_TEXT, WITHHELD, WITHHELD]
    for secret in (SECRET_TEXT, CONF_TEXT, "NORWAY AND THE PLAN"):
        assert secret not in repr(r)
    # an unmarked subject counts at the cable's level
    r2 = redact(cable(Level.SECRET, subject_marking=None), P("c", Level.CONFIDENTIAL),
                "portion", TODAY)
    assert r2 is not None and r2.subject == WITHHELD


def test_portion_policy_shows_nothing_when_nothing_is_releasable() -> None:
    c = cable(Level.SECRET, paragraphs=(Paragraph(1, "S", SECRET_TEXT),))
    assert redact(c, P("c", Level.CONFIDENTIAL), "portion", TODAY) is None
    assert not decide_partial(P("c", Level.CONFIDENTIAL), c, TODAY)
    # cable caveats still apply to the whole cable
    nodis = cable(Level.SECRET, ("NODIS",))
    assert redact(nodis, P("c", Level.CONFIDENTIAL), "portion", TODAY) is None


def test_redact_agrees_with_decide_partial() -> None:
    principals = [Principal.public(), P("c", Level.CONFIDENTIAL), P("s", Level.SECRET),
                  P("n", Level.CONFIDENTIAL, ("NOFORN",))]
    cables = [cable(lv, cav) for lv in Level for cav in ((), ("NOFORN",), ("EXDIS",))]
    for pr in principals:
        for c in cables:
            assert (redact(c, pr, "portion", TODAY) is not None) == \
                decide_partial(pr, c, TODAY).allowed


def test_policy_setting(tiny_db: Any) -> None:
    assert get_policy(tiny_db) == "whole-cable"
    set_policy(tiny_db, "portion")
    assert get_policy(tiny_db) == "portion"
    with pytest.raises(QueryError, match="unknown release policy 'partial'"):
        set_policy(tiny_db, "partial")
