"""The query language parser (cablegram/archive/query.py): table-driven, then properties."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cablegram.archive.query import (
    TEXT_FIELDS,
    And,
    F,
    Keyword,
    MatchAll,
    MatchNone,
    Not,
    Or,
    Range,
    Text,
    analyze,
    has_text,
    parse,
    tokenize,
)
from cablegram.errors import QueryError


def ts(*args: int) -> int:
    return int(datetime(*args, tzinfo=UTC).timestamp())  # type: ignore[misc]


def word(*terms: str, prefix: bool = False) -> Text:
    return Text(TEXT_FIELDS, terms, prefix)


# (query, expected tree)
CASES = [
    ("munitions", word("munitions")),
    ("cluster munitions", And((word("cluster"), word("munitions")))),
    ("cluster AND munitions", And((word("cluster"), word("munitions")))),
    ('"cluster munitions"', word("cluster", "munitions")),
    ("“cluster munitions”", word("cluster", "munitions")),  # typographic quotes
    ('"cluster munitions', word("cluster", "munitions")),  # unclosed: to the end
    ("lima OR vienna", Or((word("lima"), word("vienna")))),
    # OR binds tighter than AND (as in web search engines)
    ("lima OR vienna treaty", And((Or((word("lima"), word("vienna"))), word("treaty")))),
    ("(lima OR vienna) treaty", And((Or((word("lima"), word("vienna"))), word("treaty")))),
    ("treaty -lima", And((word("treaty"), Not(word("lima"))))),
    ("treaty NOT lima", And((word("treaty"), Not(word("lima"))))),
    ("-lima", Not(word("lima"))),
    ('-"penal sanctions"', Not(word("penal", "sanctions"))),
    ("+treaty", word("treaty")),
    ("clust*", word("clust", prefix=True)),
    ('"cluster mun*"', word("cluster", "mun", prefix=True)),
    ("*", MatchAll()),
    ("", MatchAll()),
    ("   ", MatchAll()),
    # punctuation becomes the analyzer's terms (A1 artefacts, paragraph numbers...)
    ("U.S.", word("u", "s")),
    ("1.4(b)", And((word("1", "4"), word("b")))),
    ("Ba,ath", word("ba", "ath")),
    ("Zürich", word("zurich")),
    ("'; DROP TABLE cables; --", And((word("drop"), word("table"), word("cables")))),
    ("-- ; ''", MatchAll()),
    ("cluster -", word("cluster")),
    # a bare reference id is that cable, or text naming it (T2)
    ("07OSLO525", Or((Keyword(F.ID, "07OSLO525"), word("07oslo525")))),
    # fields
    ("tag:PARM", Keyword(F.TAGS, "PARM")),
    ("tag:parm", Keyword(F.TAGS, "PARM")),
    ("TAGS:PARM", Keyword(F.TAGS, "PARM")),
    ("tag: PARM", Keyword(F.TAGS, "PARM")),
    ('tag:"OVIP (RICE, CONDOLEEZZA)"', Keyword(F.TAGS, "OVIP (RICE, CONDOLEEZZA)")),
    ("tag:(PARM OR PREL)", Or((Keyword(F.TAGS, "PARM"), Keyword(F.TAGS, "PREL")))),
    ("tag:K*", Keyword(F.TAGS, "K", prefix=True)),
    ("origin:oslo", Keyword(F.ORIGIN, "OSLO")),
    ('origin:"ABU DHABI"', Keyword(F.ORIGIN, "ABUDHABI")),
    ("origin:SECSTATE", Keyword(F.ORIGIN, "STATE")),
    ("caveat:NOFORN", Keyword(F.CAVEATS, "NOFORN")),
    ("caveat:nf", Keyword(F.CAVEATS, "NOFORN")),
    ("id:07OSLO525", Keyword(F.ID, "07OSLO525")),
    ('id:"07 OSLO 525"', Keyword(F.ID, "07OSLO525")),
    ("id:7575LIBREVILLE1895", Keyword(F.ID, "7575LIBREVILLE1895")),  # malformed, kept
    ("ref:07STATE64981", Keyword(F.REFS, "07STATE64981")),
    ("ref:07SECSTATE64981", Keyword(F.REFS, "07STATE64981")),  # T7: SECSTATE = STATE
    ("signer:WHITNEY", Text((F.SIGNER,), ("whitney",))),
    ('subject:"cluster munitions"', Text((F.SUBJECT,), ("cluster", "munitions"))),
    ("precedence:FLASH", Keyword(F.PRECEDENCE, "FLASH")),
    ("precedence:o", Keyword(F.PRECEDENCE, "IMMEDIATE")),
    ("precedence:niact", Keyword(F.PRECEDENCE, "NIACT IMMEDIATE")),
    ('precedence:"NIACT IMMEDIATE"', Keyword(F.PRECEDENCE, "NIACT IMMEDIATE")),
    # C1: UNCLASSIFIED is the band of the label (administrative controls included)
    ("class:SECRET", Range(F.LEVEL, 3, 3)),
    ("class:s", Range(F.LEVEL, 3, 3)),
    ('class:"TOP SECRET"', Range(F.LEVEL, 4, 4)),
    ("class:>=CONFIDENTIAL", Range(F.LEVEL, 2, 4)),
    ("class:>CONFIDENTIAL", Range(F.LEVEL, 3, 4)),
    ("class:<SECRET", Range(F.LEVEL, 0, 2)),
    ("class:<=C", Range(F.LEVEL, 0, 2)),
    ("class:UNCLASSIFIED", Range(F.LEVEL, 0, 1)),
    ("class:>UNCLASSIFIED", Range(F.LEVEL, 2, 4)),
    ("class:SBU", Range(F.LEVEL, 1, 1)),
    ("class:>TS", MatchNone()),
    ("class:SECRET//NOFORN", And((Range(F.LEVEL, 3, 3), Keyword(F.CAVEATS, "NOFORN")))),
    # dates: from: and to: take a period, to: letters an addressee (H8), from: letters
    # the originator
    ("from:2007", Range(F.TS, ts(2007, 1, 1), None)),
    ("from:2007-05", Range(F.TS, ts(2007, 5, 1), None)),
    ("to:2007-05", Range(F.TS, None, ts(2007, 6, 1) - 1)),
    ("to:2007-12", Range(F.TS, None, ts(2008, 1, 1) - 1)),
    ("to:2008-02-29", Range(F.TS, None, ts(2008, 3, 1) - 1)),
    ("date:2007-05-18", Range(F.TS, ts(2007, 5, 18), ts(2007, 5, 19) - 1)),
    ("year:2007", Range(F.TS, ts(2007, 1, 1), ts(2008, 1, 1) - 1)),
    ("to:RUEHC", Text((F.TO,), ("ruehc",))),
    ('to:"AMEMBASSY CANBERRA"', Text((F.TO,), ("amembassy", "canberra"))),
    ("from:OSLO", Or((Text((F.FM,), ("oslo",)), Keyword(F.ORIGIN, "OSLO")))),
    # a colon after a word that is no field name is text (pasted header lines)
    ("DECL: 05/16/2016", And((word("decl"), word("05", "16", "2016")))),
    ("note:x", word("note", "x")),
]


@pytest.mark.parametrize(("query", "expected"), CASES, ids=[c[0] or "<empty>" for c in CASES])
def test_parse(query: str, expected: object) -> None:
    assert parse(query) == expected


ERRORS = [
    ("cluster AND", "AND at position 9 has nothing after it"),
    ("OR lima", "OR at position 1 has nothing before it"),
    ("lima OR", "OR at position 6 has nothing after it"),
    ("NOT", "NOT at position 1 has nothing after it"),
    ("(lima", "'(' at position 1 is never closed"),
    ("lima)", "unmatched ')' at position 5"),
    ("from:2007-13", "not a real date"),
    ("to:2007-02-30", "not a real date"),
    ("to:5689", "5689 is not a year"),
    ("to:12x", "to: takes a date"),
    ("date:May", "date: takes a year, month or day"),
    ("class:HIGH", "'HIGH' is not a classification"),
    ("precedence:URGENT", "not a precedence"),
    ('ref:"SECSTATE 64981"', "has no year"),
    ("ref:SECSTATE", "is not a reference id"),
    ("tag:", "tag: at position 1 needs a value"),
    ("x*", "the prefix x* at position 1 is too short"),
    ("a\x00b", "NUL"),
    ("(" * 500 + "x" + ")" * 500, "more than 64 deep"),  # never a RecursionError
    ("NOT " * 500 + "x", "more than 64 deep"),
    ("-" * 500 + "x", "more than 64 deep"),
    ("word " * 1200, "the limit is 5000"),
    ("tag:" + "A" * 101 + "*", "a prefix* can have at most 100"),
]


@pytest.mark.parametrize(("query", "message"), ERRORS, ids=[e[0][:20] for e in ERRORS])
def test_errors_say_what_and_where(query: str, message: str) -> None:
    with pytest.raises(QueryError) as info:
        parse(query)
    assert message in str(info.value)
    assert info.value.exit_code == 64


def test_tokenize_positions() -> None:
    toks = tokenize('tag:PARM -"a b" (x)')
    assert [(t.kind, t.text, t.pos) for t in toks] == [
        ("word", "tag:PARM", 0), ("neg", "-", 9), ("phrase", "a b", 10),
        ("lparen", "(", 16), ("word", "x", 17), ("rparen", ")", 18)]


def test_has_text() -> None:
    assert has_text(parse("tag:PARM munitions"))
    assert not has_text(parse("tag:PARM -munitions"))
    assert not has_text(parse(""))


def test_analyzer_folds_and_splits() -> None:
    assert analyze("Ba,ath U.S. ZÜRICH 07OSLO525") == ["ba", "ath", "u", "s", "zurich",
                                                        "07oslo525"]


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60))
def test_any_text_parses_or_says_why(query: str) -> None:
    try:
        parse(query)
    except QueryError as exc:
        assert str(exc)


QUERYISH = st.lists(st.sampled_from([
    "AND", "OR", "NOT", "(", ")", '"', "-", "*", ":", "tag:", "to:", "from:", "class:>=",
    "07OSLO525", "U.S.", "1.4(b)", "2007-05", "SECRET", "munitions", "'", ";", " ", "ü",
]), max_size=12).map("".join)


@settings(max_examples=400, deadline=None)
@given(QUERYISH)
def test_query_like_text_parses_or_says_why(query: str) -> None:
    try:
        parse(query)
    except QueryError as exc:
        assert str(exc)
