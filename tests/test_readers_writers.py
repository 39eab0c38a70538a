"""Writers (Markdown page, HTML fragment) and the JSON Schema of the JSON form."""

from __future__ import annotations

import html
import json
import re
from importlib import resources
from typing import Any

import pytest
from conftest import corpus_path

from cablegram.formats import read_paths
from cablegram.formats.htmlfrag import render_html_fragment
from cablegram.formats.markdown import escape_markdown, render_markdown
from cablegram.model import Cable, Paragraph, ReferenceId, Source

# --- a tiny JSON Schema validator: the subset cable.schema.json uses ------------------

_TYPES: dict[str, Any] = {"object": dict, "array": list, "string": str, "boolean": bool,
                          "null": type(None), "number": (int, float)}


def _is_type(value: Any, name: str) -> bool:
    if name == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if name in ("number",) and isinstance(value, bool):
        return False
    return isinstance(value, _TYPES[name])


def validate(value: Any, schema: dict[str, Any], root: dict[str, Any], path: str = "$") -> None:
    """Raise AssertionError naming the path of the first value the schema rejects."""
    if "$ref" in schema:
        target: Any = root
        for part in schema["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        validate(value, target, root, path)
    if "type" in schema:
        types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        assert any(_is_type(value, t) for t in types), f"{path}: {value!r} is not {types}"
    if "enum" in schema:
        assert value in schema["enum"], f"{path}: {value!r} not in {schema['enum']}"
    if "const" in schema:
        assert value == schema["const"], f"{path}: {value!r} != {schema['const']!r}"
    if "pattern" in schema and isinstance(value, str):
        assert re.search(schema["pattern"], value), f"{path}: {value!r} !~ {schema['pattern']}"
    if "oneOf" in schema:
        ok = 0
        for sub in schema["oneOf"]:
            try:
                validate(value, sub, root, path)
                ok += 1
            except AssertionError:
                pass
        assert ok == 1, f"{path}: {value!r} matches {ok} of oneOf"
    if isinstance(value, dict):
        props = schema.get("properties", {})
        for key in schema.get("required", []):
            assert key in value, f"{path}: missing {key!r}"
        extra = schema.get("additionalProperties", True)
        for key, v in value.items():
            if key in props:
                validate(v, props[key], root, f"{path}.{key}")
            elif extra is False:
                raise AssertionError(f"{path}: unexpected key {key!r}")
            elif isinstance(extra, dict):
                validate(v, extra, root, f"{path}.{key}")
    if isinstance(value, list) and "items" in schema:
        for i, v in enumerate(value):
            validate(v, schema["items"], root, f"{path}[{i}]")


def load_schema() -> dict[str, Any]:
    text = resources.files("cablegram.formats").joinpath("cable.schema.json").read_text()
    schema: dict[str, Any] = json.loads(text)
    return schema


def test_validator_rejects() -> None:
    schema = load_schema()
    with pytest.raises(AssertionError, match="missing"):
        validate({}, schema, schema)
    with pytest.raises(AssertionError, match="precedence"):
        jsonform = pytest.importorskip("cablegram.formats.jsonform")
        d = jsonform.to_json(Cable(raw="x"))
        d["precedence"] = "SOON"
        validate(d, schema, schema)


def test_corpus_json_matches_schema() -> None:
    jsonform = pytest.importorskip("cablegram.formats.jsonform")
    pytest.importorskip("cablegram.formats.telegram", reason="the telegram codec is not built")
    schema = load_schema()
    root = corpus_path()
    paths = [str(root / "cables-csv"), str(root / "plusd-1970s"), str(root / "raw-telegrams"),
             str(root / "cfpf-bodies" / "unittest"), str(root / "cablegate-2011")]
    n = 0
    for record in read_paths(paths):
        if isinstance(record, Cable):
            d = json.loads(json.dumps(jsonform.to_json(record)))  # what --json prints
            validate(d, schema, schema, str(record.reference_id))
            n += 1
    assert n >= 40


# --- writers ------------------------------------------------------------------------------

HOSTILE = ('<script>alert(1)</script> **bold** [link](javascript:x) ![img](y) '
           '`code` &amp; | pipe \u202eevil\u202c \x1b[31m')


def hostile_cable() -> Cable:
    return Cable(
        raw="x",
        reference_id=ReferenceId(9, "ZEMBLA", 1),
        subject=HOSTILE,
        paragraphs=(
            Paragraph(1, "C", HOSTILE),
            Paragraph(2, "S//NF", "# heading\n- bullet\n> quote\n10. listed\n-- sub"),
        ),
        signature=("DOE<b>",),
        source=Source(format="telegram", path="a\"b.txt"),
    )


def test_markdown_escapes_untrusted_text() -> None:
    md = render_markdown(hostile_cable())
    assert "<script>" not in md and "\\<script\\>" in md
    assert "[link](javascript" not in md and "\\[link\\]\\(javascript" in md
    assert "**bold**" not in md
    assert "\u202e" not in md and "⟨U+202E⟩" in md
    assert "\x1b" not in md and "⟨U+001B⟩" in md
    for line in md.splitlines():
        assert not line.startswith(("# heading", "- bullet", "> quote", "10. ", "-- ")), line
    assert "**1\\.** \\(C\\)" in md and "**2\\.** \\(S//NF\\)" in md
    # table cells stay one line and cannot end early
    rows = [line for line in md.splitlines() if line.startswith("| Subject")]
    assert len(rows) == 1 and rows[0].count(" | ") == 1 + 0 and "\\|" in rows[0]


@pytest.mark.parametrize(("text", "escaped"), [
    ("1. A", "1\\. A"), ("#X", "\\#X"), ("a_b*c", "a\\_b\\*c"), ("+ x", "\\+ x"),
    ("plain TEXT.", "plain TEXT."),
])
def test_escape_markdown(text: str, escaped: str) -> None:
    assert escape_markdown(text) == escaped


def test_html_fragment_escapes_everything() -> None:
    frag = render_html_fragment(hostile_cable())
    assert frag.startswith("<article") and frag.endswith("</article>")
    assert "<script>" not in frag and "&lt;script&gt;" in frag
    assert "DOE<b>" not in frag and "DOE&lt;b&gt;" in frag
    assert "\u202e" not in frag and "\u202c" not in frag and "U+202E" in frag
    assert "\x1b" not in frag
    assert 'data-reference-id="09ZEMBLA1"' in frag
    assert "<bdi>" in frag
    # every tag in the fragment is one the writer makes
    tags = set(re.findall(r"</?([a-z0-9]+)", frag))
    assert tags <= {"article", "header", "h1", "span", "dl", "dt", "dd", "bdi", "section",
                    "p", "footer", "pre", "aside", "ul", "li"}, tags
    # and the text comes back exactly when unescaped (nothing lost)
    assert html.unescape('&lt;script&gt;alert(1)&lt;/script&gt;') in html.unescape(frag)


def test_writers_on_corpus() -> None:
    pytest.importorskip("cablegram.formats.telegram", reason="the telegram codec is not built")
    root = corpus_path("raw-telegrams")
    for record in read_paths([str(root)]):
        if not isinstance(record, Cable):
            continue
        md = render_markdown(record)
        frag = render_html_fragment(record)
        assert str(record.reference_id) in md and str(record.reference_id) in frag
        for p in record.paragraphs:
            if p.number is not None:
                assert f'id="p{p.number}"' in frag
        assert md.count("\n| ") >= 5
