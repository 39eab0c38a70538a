"""Properties of the codec: readers never raise in default mode, and
``parse_telegram(render_telegram(c))`` gives back every record field."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import cables

from cablegram.formats.jsonform import record_view
from cablegram.formats.telegram import parse_telegram, render_telegram
from cablegram.formats.wikileaks import parse_wikileaks_html
from cablegram.model import Cable

# Lines that look like parts of a cable, to push the reader into its corners.
CABLE_LINES = st.sampled_from([
    "VZCZCXYZ0000", "OO RUEHWEB", "DE RUEHNY #0525/01 1381433", "ZNY CCCCC ZZH",
    "O 181433Z MAY 07", "O 991433Z XXX 07", "FM AMEMBASSY OSLO", "TO RUEHC/SECSTATE WASHDC",
    "INFO RUEHXP/ALL NATO POST COLLECTIVE IMMEDIATE", "XMT AMEMBASSY X", "ZEN/AMCONSUL Y",
    "C O N F I D E N T I A L OSLO 000525", "E C R E T SECTION 01 OF 03 BAGHDAD 000146",
    "UNCLAS", "SIPDIS", "NOFORN", "E.O. 12958: DECL: 05/16/2016", "E.O. 12958: DECL: 99/99/9999",
    "TAGS: MOPS PARM", "TAGS:", "SUBJECT:", "SUBJECT: (C) X", "REF: A. STATE 1 B.", "REF:",
    "Classified By: X for reasons 1.4 (b)", "Classified By:", "1. (C) text", "¶2. (S//NF)",
    "¶", "2.", "(", "A. sub", "-- dash", "OSLO 00000525  002 OF 003", "PAGE 02 OSLO",
    "END SUMMARY.", "SUMMARY:", "COMMENT:", "WHITNEY", "WHITNEY619", "", " ", "&quote8",
    "Ba,ath ) x", "Original Telegram was Confidential", "-----", "BT", "NNNN",
])


def _no_internal_failure(c: Cable) -> None:
    assert not any(w.message.startswith("reader failed") for w in c.warnings), c.warnings


@settings(max_examples=150, deadline=None)
@given(st.text())
def test_parse_telegram_never_raises_on_any_text(text: str) -> None:
    _no_internal_failure(parse_telegram(text))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(CABLE_LINES, st.text(max_size=30)), max_size=40))
def test_parse_telegram_never_fails_on_cable_like_lines(lines: list[str]) -> None:
    _no_internal_failure(parse_telegram("\n".join(lines)))


@settings(max_examples=200, deadline=None)
@given(st.binary())
def test_parse_wikileaks_html_never_raises_on_any_bytes(data: bytes) -> None:
    parse_wikileaks_html(data)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.one_of(CABLE_LINES, st.text(max_size=20)), max_size=20))
def test_parse_wikileaks_html_never_raises_on_page_like_bytes(lines: list[str]) -> None:
    body = "&#x000A;".join(lines)
    page = (f"<table class='cable'><tr><td>x</td></tr></table><code><pre>{body}</pre></code>"
            f"<code><pre>{body}</pre></code>")
    parse_wikileaks_html(page.encode())


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cables())
def test_render_then_parse_gives_the_same_record(cable: Cable) -> None:
    text = render_telegram(cable)
    again = parse_telegram(text)
    assert record_view(again) == record_view(cable), text


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cables())
def test_generated_cables_read_strictly(cable: Cable) -> None:
    # A valid cable breaks no rule: strict mode reads it too.
    again = parse_telegram(render_telegram(cable), strict=True)
    assert again.reference_id == cable.reference_id


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(CABLE_LINES, st.text(max_size=30)), max_size=40))
def test_strict_mode_raises_only_rule_errors(lines: list[str]) -> None:
    from cablegram.errors import RuleError

    try:
        parse_telegram("\n".join(lines), strict=True)
    except RuleError as exc:
        assert exc.rule  # every strict failure names its rule
        assert not exc.message.startswith("unreadable telegram"), exc  # no internal failure
