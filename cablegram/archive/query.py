"""The search query language: text a person types -> a checked tree -> a tantivy query.

The grammar (documented with examples in ``docs/query-language.md``)::

    query    := conj
    conj     := disj ( ["AND"] disj )*          implicit AND between terms
    disj     := unary ( "OR" unary )*            OR binds tighter than AND
    unary    := ("NOT" | "-") unary | primary
    primary  := "(" conj ")" | field ":" value | field ":" "(" conj ")"
              | "\\"" phrase "\\"" | word["*"]

We parse it ourselves instead of using tantivy's query parser, so that every
string a person can type either gives a query or a :class:`QueryError` whose
message says what is wrong and where: never a crash, never a silently dropped
clause. Text is split into terms by the same analyzer the index uses
(:func:`cable_analyzer`), so ``U.S.`` becomes the phrase ``u s`` and ``1.4(b)``
the phrase ``1 4`` AND ``b``; words that hold no letters or digits (``--``,
``';``) are dropped.

The parse tree is plain data (:class:`Text`, :class:`Keyword`, :class:`Range`,
:class:`And`, :class:`Or`, :class:`Not`, :class:`MatchAll`, :class:`MatchNone`)
so that it can be tested without an index; :func:`compile_query` turns it into
a tantivy query over the fields named in :class:`F`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from typing import Literal

import tantivy

from cablegram.errors import QueryError
from cablegram.model import Level, Precedence, ReferenceId
from cablegram.model.ids import ORIGIN_ALIASES


class F:
    """Names of the index fields (the schema itself is built in ``index.py``)."""

    ID = "id"  # raw reference id (T2)
    SUBJECT = "subject"  # analyzed, stored
    BODY = "body"  # analyzed, stored, one value per paragraph (T9)
    PARA_LEVELS = "para_levels"  # stored: each paragraph's portion level (T9, C1)
    TAGS = "tags"  # raw, multi (T5)
    ORIGIN = "origin"  # raw: "OSLO" (T2)
    FM = "fm"  # analyzed: originator name and RI (H4, FM line)
    TO = "to"  # analyzed: addressee names and RIs, TO and INFO (H8)
    REFS = "refs"  # raw, multi: cited reference ids (T7)
    SIGNER = "signer"  # analyzed: signature lines (T11)
    LEVEL = "level"  # unsigned: Level value (C1)
    CAVEATS = "caveats"  # raw, multi (C2, T3)
    FACET_KEY = "facet_key"  # fast: "level/PRECEDENCE/caveat set", one value (facets)
    ACCESS = "access"  # raw, multi: "Y2031/L/3", "D20310304/C/NOFORN", ... (access filter)
    PRECEDENCE = "precedence"  # raw: word, "IMMEDIATE" (P1)
    MONTH = "month"  # raw: "2007-05"
    TS = "ts"  # integer: DTG as seconds since the epoch, UTC (H6)
    DTG = "dtg"  # stored ISO 8601
    DECLASS = "declass"  # integer: declassify-on date as a proleptic ordinal (C3)
    DIST = "dist"  # raw, multi: upper-case originator and addressee names and RIs
    FLOOR = "floor"  # unsigned: portion_floor, the lowest releasable portion level (C3)
    SUBJECT_LEVEL = "subject_level"  # unsigned, stored: the subject's mark level (T6)


TEXT_FIELDS = (F.SUBJECT, F.BODY)
# The subject says what a cable is about in a dozen words: a match there counts more.
SUBJECT_BOOST = 2.0
MIN_PREFIX = 2  # a one-letter prefix would expand to a large part of the dictionary
MAX_QUERY_CHARS = 5000  # a long pasted paragraph still fits; a runaway one does not
MAX_PREFIX_CHARS = 100  # longer ones make tantivy's prefix automaton too big
MAX_DEPTH = 64  # parentheses and NOTs inside one another (the parser recurses)


# --- the analyzer -----------------------------------------------------------------------


def cable_analyzer() -> tantivy.TextAnalyzer:
    """Words of letters and digits, lower case, accents folded, very long tokens dropped.

    The same analyzer indexes the text and splits query words, so that both
    sides agree on what a term is. Folding makes ``Zurich`` find ``Zürich``.
    """
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(40))
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.ascii_fold())
        .build()
    )


ANALYZER_NAME = "cable"


@cache
def _analyzer() -> tantivy.TextAnalyzer:
    return cable_analyzer()


def analyze(text: str) -> list[str]:
    """The index terms of ``text``."""
    return list(_analyzer().analyze(text))


# --- the tree ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Text:
    """Terms in analyzed fields: one term, or a phrase; ``prefix`` applies to the last."""

    fields: tuple[str, ...]
    terms: tuple[str, ...]
    prefix: bool = False


@dataclass(frozen=True, slots=True)
class Keyword:
    """An exact value of a raw (not analyzed) field, or a prefix of one."""

    field: str
    value: str
    prefix: bool = False


@dataclass(frozen=True, slots=True)
class Range:
    """An inclusive integer range on a fast field (``None`` = unbounded)."""

    field: str
    lo: int | None
    hi: int | None


@dataclass(frozen=True, slots=True)
class MatchAll:
    pass


@dataclass(frozen=True, slots=True)
class MatchNone:
    pass


@dataclass(frozen=True, slots=True)
class Not:
    node: Node


@dataclass(frozen=True, slots=True)
class And:
    nodes: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Or:
    nodes: tuple[Node, ...]


Node = Text | Keyword | Range | MatchAll | MatchNone | Not | And | Or


def _and(nodes: Sequence[Node | None]) -> Node | None:
    kept = tuple(n for n in nodes if n is not None)
    if not kept:
        return None
    return kept[0] if len(kept) == 1 else And(kept)


def _or(nodes: Sequence[Node | None]) -> Node | None:
    kept = tuple(n for n in nodes if n is not None)
    if not kept:
        return None
    return kept[0] if len(kept) == 1 else Or(kept)


def has_text(node: Node) -> bool:
    """Does the query score by text (a positive :class:`Text` clause)?"""
    if isinstance(node, Text):
        return True
    if isinstance(node, And | Or):
        return any(has_text(n) for n in node.nodes)
    return False


# --- the lexer --------------------------------------------------------------------------

TokenKind = Literal["word", "phrase", "lparen", "rparen", "and", "or", "not", "neg"]
# Straight and typographic double quotes all open and close a phrase.
QUOTES = frozenset('"“”„')
_OPERATORS: dict[str, TokenKind] = {"AND": "and", "OR": "or", "NOT": "not",
                                    "&&": "and", "||": "or"}


@dataclass(frozen=True, slots=True)
class Token:
    kind: TokenKind
    text: str
    pos: int  # offset of the first character in the query, 0-based
    end: int


def tokenize(query: str) -> list[Token]:
    """Split a query into tokens. Never fails: an unclosed quote runs to the end."""
    out: list[Token] = []
    i, n = 0, len(query)
    while i < n:
        ch = query[i]
        if ch.isspace():
            i += 1
        elif ch == "(":
            out.append(Token("lparen", ch, i, i + 1))
            i += 1
        elif ch == ")":
            out.append(Token("rparen", ch, i, i + 1))
            i += 1
        elif ch in QUOTES:
            j = i + 1
            while j < n and query[j] not in QUOTES:
                j += 1
            # An unclosed quote is read as a phrase to the end of the query: what
            # the person most likely meant while still typing.
            out.append(Token("phrase", query[i + 1:j], i, min(j + 1, n)))
            i = j + 1
        elif ch in "-+" and i + 1 < n and not query[i + 1].isspace() and query[i + 1] != ")":
            if ch == "-":
                out.append(Token("neg", ch, i, i + 1))
            i += 1  # "+word" is "word": terms are required by default
        else:
            j = i
            while j < n and not query[j].isspace() and query[j] not in "()" \
                    and query[j] not in QUOTES:
                j += 1
            word = query[i:j]
            out.append(Token(_OPERATORS.get(word, "word"), word, i, j))
            i = j
    return out


# --- fields -----------------------------------------------------------------------------

FieldHandler = Callable[[str, bool, bool, int], "Node | None"]

_FIELD_NAME_RE = re.compile(r"^(?P<name>[A-Za-z_]+):(?P<value>.*)$", re.DOTALL)
# A bare word that is a canonical reference id (T2): 07OSLO525, 09STATE119085.
_REFID_WORD_RE = re.compile(r"^\d{2}[A-Z]+\d+$", re.ASCII)
# An origin and serial without a year (T7: "SECSTATE 64981"): no year, no id.
_NO_YEAR_REF_RE = re.compile(r"^[A-Z][A-Z .'-]*\s*\d+$")
# from:/to:/date: periods: 2007, 2007-05, 2007-05-18.
_PERIOD_RE = re.compile(r"^(?P<y>\d{4})(?:-(?P<m>\d{1,2})(?:-(?P<d>\d{1,2}))?)?$", re.ASCII)
# class: values: an optional comparison, a level, optional //controls (C2).
_CLASS_RE = re.compile(r"^(?P<op>>=|<=|=>|=<|>|<|=)?\s*(?P<rest>.*)$", re.DOTALL)
FIRST_YEAR, LAST_YEAR = 1900, 2199  # "to:5689" is a typo (or an MCN), not a year
_CAVEAT_ALIASES = {"NF": "NOFORN", "REL": "REL TO"}


def _epoch(d: date) -> int:
    return int(datetime(d.year, d.month, d.day, tzinfo=UTC).timestamp())


def _period(value: str, field: str, pos: int) -> tuple[int, int] | None:
    """First and last second (UTC) of a year, month or day; None if not a period."""
    m = _PERIOD_RE.match(value)
    if not m:
        return None
    y = int(m["y"])
    if not FIRST_YEAR <= y <= LAST_YEAR:
        raise QueryError(f"{field}:{value} at position {pos + 1}: {y} is not a year of the "
                         f"archive ({FIRST_YEAR}-{LAST_YEAR})")
    try:
        if m["d"]:
            first = date(y, int(m["m"]), int(m["d"]))
            after = date.fromordinal(first.toordinal() + 1)
        elif m["m"]:
            first = date(y, int(m["m"]), 1)
            after = date(y + (first.month == 12), first.month % 12 + 1, 1)
        else:
            first, after = date(y, 1, 1), date(y + 1, 1, 1)
    except ValueError:
        raise QueryError(f"{field}:{value} at position {pos + 1} is not a real date "
                         f"(write 2007, 2007-05 or 2007-05-18)") from None
    return _epoch(first), _epoch(after) - 1


def _date_field(field: str) -> FieldHandler:
    def handle(value: str, phrase: bool, prefix: bool, pos: int) -> Node | None:
        span = _period(value.strip(), field, pos)
        if span is None:
            if field in ("to", "from") and value.strip() and not value.strip()[0].isdigit():
                return _addressee(field, value, prefix)
            what = {"to": "a date (2007, 2007-05, 2007-05-18) or an addressee (RUEHC, "
                          '"SECSTATE WASHDC")',
                    "from": "a date (2007, 2007-05, 2007-05-18) or an originator (OSLO, RUEHNY)"}
            raise QueryError(f"{field}:{value} at position {pos + 1}: {field}: takes "
                             + what.get(field, "a year, month or day: 2007, 2007-05, 2007-05-18"))
        lo, hi = span
        if field == "from":
            return Range(F.TS, lo, None)
        if field == "to":
            return Range(F.TS, None, hi)
        return Range(F.TS, lo, hi)
    return handle


def _addressee(field: str, value: str, prefix: bool) -> Node | None:
    """``to:RUEHC`` / ``to:"AMEMBASSY CANBERRA"``; ``from:OSLO`` also matches the origin."""
    text = _text((F.TO,) if field == "to" else (F.FM,), value, prefix)
    if field == "from":
        return _or([text, Keyword(F.ORIGIN, norm_origin(value), prefix)])
    return text


def norm_tag(value: str) -> str:
    """A TAGS value as indexed and as searched: upper case, single spaces (T5)."""
    return " ".join(value.upper().split())


def norm_origin(value: str) -> str:
    """An origin as indexed and as searched: letters and digits, SECSTATE = STATE (T2)."""
    o = re.sub(r"[^A-Z0-9]", "", value.upper())
    return ORIGIN_ALIASES.get(o, o)


def _norm_id(value: str, field: str, pos: int, prefix: bool) -> str:
    v = " ".join(value.strip().upper().split())
    if prefix:
        return v.replace(" ", "")
    rid = ReferenceId.try_parse(v)
    if rid is not None:
        return str(rid)
    if not any(c.isdigit() for c in v):
        raise QueryError(f"{field}:{value} at position {pos + 1} is not a reference id; "
                         f"write one such as 07STATE64981 (T2)")
    if _NO_YEAR_REF_RE.match(v):
        raise QueryError(f"{field}:{value} at position {pos + 1} has no year: write the "
                         f"reference id with its year, such as 07STATE64981 (T2)")
    return v.replace(" ", "")  # malformed ids are kept as the release spells them


def _keyword(field: str, norm: Callable[[str], str]) -> FieldHandler:
    def handle(value: str, phrase: bool, prefix: bool, pos: int) -> Node | None:
        v = norm(value)
        return Keyword(field, v, prefix) if v or prefix else None
    return handle


def _ids(field: str, name: str) -> FieldHandler:
    def handle(value: str, phrase: bool, prefix: bool, pos: int) -> Node | None:
        if not value.strip():
            return None
        return Keyword(field, _norm_id(value, name, pos, prefix), prefix)
    return handle


def _text_field(fields: tuple[str, ...]) -> FieldHandler:
    def handle(value: str, phrase: bool, prefix: bool, pos: int) -> Node | None:
        return _text(fields, value, prefix, pos)
    return handle


def _precedence(value: str, phrase: bool, prefix: bool, pos: int) -> Node | None:
    v = " ".join(value.replace("_", " ").upper().split())
    if v == "NIACT":
        v = "NIACT IMMEDIATE"
    try:
        return Keyword(F.PRECEDENCE, Precedence.parse(v).word)
    except ValueError:
        words = ", ".join(p.word for p in sorted(Precedence, reverse=True))
        raise QueryError(f"precedence:{value} at position {pos + 1} is not a precedence; "
                         f"use one of {words} (P1)") from None


def _caveat(value: str) -> str:
    v = " ".join(value.upper().split())
    return _CAVEAT_ALIASES.get(v, v)


# UNCLASSIFIED as a search value is the band the label covers: plain unclassified
# and the administrative controls (SBU, LOU, FOUO), which read as UNCLASSIFIED (C1).
def _band(level: Level) -> tuple[int, int]:
    if level is Level.UNCLASSIFIED:
        return 0, int(Level.SBU)
    return int(level), int(level)


def _classification(value: str, phrase: bool, prefix: bool, pos: int) -> Node | None:
    m = _CLASS_RE.match(value.strip())
    assert m is not None  # the pattern matches any string
    op = {"=>": ">=", "=<": "<="}.get(m["op"] or "=", m["op"] or "=")
    level_part, *controls = m["rest"].split("//")
    try:
        level = Level.parse(level_part)
    except ValueError:
        names = ", ".join(lv.name.replace("_", " ") for lv in Level)
        raise QueryError(f"class:{value} at position {pos + 1}: {level_part.strip()!r} is not "
                         f"a classification; use one of {names}, optionally after >, >=, <, "
                         f"<= (C1)") from None
    lo_band, hi_band = _band(level)
    top = int(max(Level))
    lo, hi = {"=": (lo_band, hi_band), ">": (hi_band + 1, top), ">=": (lo_band, top),
              "<": (0, lo_band - 1), "<=": (0, hi_band)}[op]
    node: Node = MatchNone() if lo > hi else Range(F.LEVEL, lo, hi)
    caveats = [Keyword(F.CAVEATS, _caveat(c)) for c in controls if c.strip()]
    return _and([node, *caveats])


FIELDS: dict[str, FieldHandler] = {
    "tag": _keyword(F.TAGS, norm_tag),
    "origin": _keyword(F.ORIGIN, norm_origin),
    "caveat": _keyword(F.CAVEATS, _caveat),
    "class": _classification,
    "precedence": _precedence,
    "id": _ids(F.ID, "id"),
    "ref": _ids(F.REFS, "ref"),
    "signer": _text_field((F.SIGNER,)),
    "subject": _text_field((F.SUBJECT,)),
    "from": _date_field("from"),
    "to": _date_field("to"),
    "date": _date_field("date"),
    "year": _date_field("year"),
}
FIELD_ALIASES = {"tags": "tag", "caveats": "caveat", "classification": "class",
                 "level": "class", "prec": "precedence", "refs": "ref", "sig": "signer",
                 "fm": "from"}


def _text(fields: tuple[str, ...], raw: str, prefix: bool, pos: int = 0) -> Node | None:
    terms = analyze(raw)
    if not terms:
        return MatchAll() if prefix and not raw.strip() else None
    if prefix and len(terms) == 1 and len(terms[0]) < MIN_PREFIX:
        raise QueryError(f"the prefix {raw.strip()}* at position {pos + 1} is too short: "
                         f"give at least {MIN_PREFIX} letters or digits before the *")
    return Text(fields, tuple(terms), prefix)


# --- the parser -------------------------------------------------------------------------


class _Parser:
    def __init__(self, query: str) -> None:
        self.query = query
        self.tokens = tokenize(query)
        self.i = 0

    def peek(self) -> Token | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> Token:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def _ends_operand(self) -> bool:
        tok = self.peek()
        return tok is None or tok.kind in ("rparen", "and", "or")

    def conj(self, field: str | None, depth: int) -> Node | None:
        nodes: list[Node | None] = []
        while (tok := self.peek()) is not None:
            if tok.kind == "rparen":
                if depth == 0:
                    raise QueryError(f"unmatched ')' at position {tok.pos + 1}: "
                                     f"remove it or add a '(' before it")
                break
            if tok.kind in ("and", "or"):
                if not nodes:
                    raise QueryError(f"{tok.text} at position {tok.pos + 1} has nothing "
                                     f"before it")
                self.take()
                if self._ends_operand():
                    raise QueryError(f"{tok.text} at position {tok.pos + 1} has nothing "
                                     f"after it")
                continue
            nodes.append(self.disj(field, depth))
        return _and(nodes)

    def disj(self, field: str | None, depth: int) -> Node | None:
        nodes = [self.unary(field, depth)]
        while (tok := self.peek()) is not None and tok.kind == "or":
            self.take()
            if self._ends_operand():
                raise QueryError(f"OR at position {tok.pos + 1} has nothing after it")
            nodes.append(self.unary(field, depth))
        return _or(nodes)

    def unary(self, field: str | None, depth: int) -> Node | None:
        tok = self.peek()
        assert tok is not None
        if depth > MAX_DEPTH:
            raise QueryError(f"the query nests parentheses or NOTs more than {MAX_DEPTH} deep "
                             f"(at position {tok.pos + 1})")
        if tok.kind in ("not", "neg"):
            self.take()
            if self._ends_operand():
                if tok.kind == "not":
                    raise QueryError(f"NOT at position {tok.pos + 1} has nothing after it")
                return None  # a lone "-" is punctuation
            inner = self.unary(field, depth + 1)
            return Not(inner) if inner is not None else None
        return self.primary(field, depth)

    def primary(self, field: str | None, depth: int) -> Node | None:
        tok = self.take()
        if tok.kind == "lparen":
            inner = self.conj(field, depth + 1)
            close = self.peek()
            if close is None or close.kind != "rparen":
                raise QueryError(f"'(' at position {tok.pos + 1} is never closed: add a ')'")
            self.take()
            return inner
        if tok.kind == "phrase":
            return self.value(field, tok.text, True, tok.pos)
        # a word (operators and parentheses were handled by the callers)
        m = _FIELD_NAME_RE.match(tok.text)
        if m and (name := FIELD_ALIASES.get(m["name"].lower(), m["name"].lower())) in FIELDS:
            rest = m["value"]
            if rest:
                return self.value(name, rest, False, tok.pos)
            nxt = self.peek()
            if nxt is None or nxt.kind not in ("word", "phrase", "lparen"):
                raise QueryError(f"{m['name']}: at position {tok.pos + 1} needs a value, "
                                 f"such as {_EXAMPLES[name]}")
            if nxt.kind == "lparen":
                return self.primary(name, depth)
            self.take()
            return self.value(name, nxt.text, nxt.kind == "phrase", nxt.pos)
        return self.value(field, tok.text, False, tok.pos)

    def value(self, field: str | None, raw: str, phrase: bool, pos: int) -> Node | None:
        prefix = raw.rstrip().endswith("*")
        base = raw.rstrip().rstrip("*") if prefix else raw
        if prefix and len(base) > MAX_PREFIX_CHARS:
            raise QueryError(f"the prefix at position {pos + 1} is {len(base)} characters long; "
                             f"a prefix* can have at most {MAX_PREFIX_CHARS}")
        if field is not None:
            return FIELDS[field](base, phrase, prefix, pos)
        text = _text(TEXT_FIELDS, base, prefix, pos)
        if not phrase and not prefix and _REFID_WORD_RE.match(base.strip().upper()):
            # A bare 07OSLO525 means that cable as well as the text that names it.
            return _or([Keyword(F.ID, base.strip().upper()), text])
        return text


_EXAMPLES = {"tag": "tag:PARM", "origin": "origin:OSLO", "caveat": "caveat:NOFORN",
             "class": "class:SECRET or class:>=CONFIDENTIAL", "precedence": "precedence:FLASH",
             "id": "id:07OSLO525", "ref": "ref:07STATE64981", "signer": "signer:WHITNEY",
             "subject": 'subject:"cluster munitions"', "from": "from:2007-05",
             "to": "to:2007 or to:RUEHC", "date": "date:2007-05-18", "year": "year:2007"}


def parse(query: str) -> Node:
    """Parse a query into its tree; raise :class:`QueryError` saying what is wrong.

    An empty query (or one of punctuation only) matches every cable.
    """
    if not isinstance(query, str):
        raise QueryError(f"a query is text, not {type(query).__name__}")
    if "\x00" in query:
        raise QueryError("the query contains a NUL character")
    if len(query) > MAX_QUERY_CHARS:
        raise QueryError(f"the query is {len(query)} characters long; the limit is "
                         f"{MAX_QUERY_CHARS}")
    node = _Parser(query).conj(None, 0)
    return node if node is not None else MatchAll()


# --- compiling to tantivy ---------------------------------------------------------------

Occur = tantivy.Occur
_FIELD_TYPES = {F.LEVEL: tantivy.FieldType.Unsigned}


def regex_escape(text: str) -> str:
    """Escape for tantivy's regex syntax: letters and digits as they are, others ``\\x{..}``."""
    return "".join(c if c.isalnum() else f"\\x{{{ord(c):x}}}" for c in text)


def _filter(q: tantivy.Query) -> tantivy.Query:
    """A clause that selects without scoring (fields, dates, access)."""
    return tantivy.Query.const_score_query(q, 0.0)


def _compile_text(node: Text, schema: tantivy.Schema) -> tantivy.Query:
    per_field: list[tuple[tantivy.Occur, tantivy.Query]] = []
    for field in node.fields:
        if len(node.terms) == 1:
            t = node.terms[0]
            q = (tantivy.Query.regex_query(schema, field, regex_escape(t) + ".*")
                 if node.prefix else tantivy.Query.term_query(schema, field, t))
        elif node.prefix:
            q = tantivy.Query.phrase_prefix_query(schema, field, list(node.terms))
        else:
            q = tantivy.Query.phrase_query(schema, field, list(node.terms))
        if field == F.SUBJECT and len(node.fields) > 1:
            q = tantivy.Query.boost_query(q, SUBJECT_BOOST)
        per_field.append((Occur.Should, q))
    return per_field[0][1] if len(per_field) == 1 else tantivy.Query.boolean_query(per_field)


def compile_query(node: Node, schema: tantivy.Schema) -> tantivy.Query:
    """The tantivy query for a parsed tree."""
    if isinstance(node, MatchAll):
        return tantivy.Query.all_query()
    if isinstance(node, MatchNone):
        return tantivy.Query.empty_query()
    if isinstance(node, Text):
        return _compile_text(node, schema)
    if isinstance(node, Keyword):
        if node.prefix:
            return _filter(tantivy.Query.regex_query(
                schema, node.field, regex_escape(node.value) + ".*"))
        return _filter(tantivy.Query.term_query(schema, node.field, node.value))
    if isinstance(node, Range):
        ftype = _FIELD_TYPES.get(node.field, tantivy.FieldType.Integer)
        if node.lo is None and node.hi is None:
            return tantivy.Query.all_query()
        return _filter(tantivy.Query.range_query(schema, node.field, ftype, node.lo, node.hi))
    if isinstance(node, Not):
        return tantivy.Query.boolean_query([(Occur.Must, tantivy.Query.all_query()),
                                            (Occur.MustNot, compile_query(node.node, schema))])
    if isinstance(node, And):
        clauses = [(Occur.MustNot, compile_query(n.node, schema)) if isinstance(n, Not)
                   else (Occur.Must, compile_query(n, schema)) for n in node.nodes]
        if all(o == Occur.MustNot for o, _ in clauses):
            clauses.insert(0, (Occur.Must, tantivy.Query.all_query()))
        return tantivy.Query.boolean_query(clauses)
    return tantivy.Query.boolean_query([(Occur.Should, compile_query(n, schema))
                                        for n in node.nodes])


def positive_text(node: Node, field: str) -> list[Text]:
    """The text clauses a hit may match in ``field`` (for highlighting; NOT parts excluded)."""
    if isinstance(node, Text):
        return [node] if field in node.fields else []
    if isinstance(node, And | Or):
        return [t for n in node.nodes for t in positive_text(n, field)]
    return []
