"""The archive's JSON text: orjson where it can, the standard library where it cannot."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from cablegram.jsontext import compact

# Text as the readers give it: any code point, lone surrogates included (undecodable
# bytes are kept as surrogates, encoding.decode_bytes).
texts = st.text(st.characters(min_codepoint=0, max_codepoint=0x10FFFF))
values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70) | texts,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(texts, inner, max_size=4),
    max_leaves=20)


@given(values)
def test_round_trip_and_utf8(value: Any) -> None:
    text = compact(value)
    assert json.loads(text) == value  # as the store reads it, and any JSON reader
    text.encode("utf-8")  # storable as UTF-8 text: a surrogate is escaped, never raw
    assert ", " not in text or ", " in json.dumps(value)  # compact: no separators added


def test_what_orjson_refuses_goes_to_the_standard_library() -> None:
    lone = "Zembla \udcb6 1."  # a Latin-1 pilcrow kept as a surrogate
    assert compact({"text": lone}) == '{"text":"Zembla \\udcb6 1."}'
    assert compact([2**64]) == "[18446744073709551616]"
    assert json.loads(compact({"text": lone})) == {"text": lone}


def test_utf8_text_is_written_as_is() -> None:
    assert compact({"subject": "Zürich ¶"}) == '{"subject":"Zürich ¶"}'
