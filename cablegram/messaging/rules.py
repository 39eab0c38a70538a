"""Validation rules for drafts, each with an id, a title and its documentation.

Every rule is a function from a :class:`Check` (the draft, the directory and
today's date) to the problems it finds. ``RULES`` is the registry the
validator runs and ``docs/messaging.md`` documents, rule by rule. Where a rule
comes from docs/cable-format.md it cites that rule (H8, T5, C4 ...).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from cablegram.messaging.directory import Address, Directory
from cablegram.messaging.draft import Draft, DraftAddressee, Problem
from cablegram.model import Level, PortionMark, Precedence

# T5: organisation tags are 4 letters but are neither subject nor program tags.
ORGANISATION_TAGS = frozenset({"NATO", "EUN", "IAEA", "OSCE", "UNSC", "UNGA", "ASEAN", "APEC",
                               "OECD", "WTRO", "OPEC", "AORC", "UNHCR", "UNESCO", "SCUL"})
# T5: a subject tag is 4 letters (PREL, PGOV); a program tag 4 letters starting with K.
_SUBJECT_TAG_RE = re.compile(r"^[A-Z]{4}$")
# P1/T8: paragraph 1 of a NIACT cable says why it must be acted on at any hour.
_NIACT_JUSTIFICATION_RE = re.compile(r"\bNIACT\b|\bACTION REQUEST\b|\bAT ANY HOUR\b", re.I)
# C3: declassification at most 25 years after the cable.
MAX_DECL_YEARS = 25
# T4: instructions other than a date that are accepted for classified drafts.
_DECL_OTHER_RE = re.compile(r"\b(?:25X[1-9]|X[1-8]|MR)\b")


@dataclass(frozen=True, slots=True)
class Check:
    draft: Draft
    directory: Directory
    today: date

    def find(self, a: DraftAddressee) -> Address | None:
        return self.directory.lookup(a.pla)

    @property
    def classified(self) -> bool:
        return self.draft.level is not None and self.draft.level >= Level.CONFIDENTIAL


RuleFn = Callable[[Check], Iterable[Problem]]


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    title: str
    doc: str
    check: RuleFn


RULES: list[Rule] = []


def rule(rule_id: str, title: str) -> Callable[[RuleFn], RuleFn]:
    """Register a rule; its docstring is its documentation."""
    def wrap(fn: RuleFn) -> RuleFn:
        RULES.append(Rule(rule_id, title, " ".join((fn.__doc__ or "").split()), fn))
        return fn
    return wrap


def _p(rule_id: str, line: int | None, msg: str, severity: str = "error") -> Problem:
    return Problem(rule_id, line, msg, "warning" if severity == "warning" else "error")


# -- the header ------------------------------------------------------------------

@rule("M0", "readable draft")
def readable(c: Check) -> Iterator[Problem]:
    """Every line of the draft is read: the header holds only FM, TO, INFO and XMT
    lines (H1); the text starts with the classification line (T1)."""
    yield from (p for p in c.draft.problems if p.rule in ("M0", "M1", "M9"))


@rule("M1", "one known originator")
def originator(c: Check) -> Iterator[Problem]:
    """The draft has one FM line naming a post or office of the directory, not a
    collective (H1, H8)."""
    d = c.draft
    if d.originator is None:
        yield _p("M1", 1, "no FM line: name the originating post (FM AMEMBASSY OSLO)")
        return
    found = c.directory.lookup(d.originator)
    if found is None:
        yield _p("M1", d.originator_line, f"originator {d.originator!r} is not in the directory")
    elif found.collective:
        yield _p("M1", d.originator_line, f"a collective cannot originate a cable: {found.pla}")


@rule("M2", "no numbers release assigns")
def no_assigned_numbers(c: Check) -> Iterator[Problem]:
    """A draft carries no transmission id, routing or DE line, DTG, message reference
    number or continuity number: release assigns them (H2, H4, H6, H9, T1)."""
    yield from (p for p in c.draft.problems if p.rule == "M2")
    for a in c.draft.addressees:
        if a.mcn:
            yield _p("M2", a.line, f"continuity number {a.mcn} on {a.pla}: release assigns "
                     "continuity numbers (H9)")


@rule("M3", "an action addressee")
def action_addressee(c: Check) -> Iterator[Problem]:
    """At least one TO addressee (H1, H8)."""
    if not c.draft.to:
        yield _p("M3", c.draft.originator_line, "no TO addressee: a cable needs an action "
                 "addressee")


@rule("M4", "known addressees")
def known_addressees(c: Check) -> Iterator[Problem]:
    """Every addressee is known to the directory, by its PLA, another spelling or its RI
    (H7, H8); an RI written before the PLA must be the directory's RI for it."""
    for a in c.draft.addressees:
        found = c.find(a)
        if found is None:
            yield _p("M4", a.line, f"addressee {a.pla!r} is not in the directory")
        elif a.ri and a.ri != "ZEN" and found.ri and a.ri != found.ri:
            yield _p("M4", a.line, f"{a.pla}: routing indicator {a.ri} differs from the "
                     f"directory's {found.ri}", "warning")


@rule("M5", "no duplicate addressee")
def no_duplicates(c: Check) -> Iterator[Problem]:
    """An address appears once among TO and INFO, and once among XMT (H8)."""
    seen: dict[str, int] = {}
    for a in c.draft.addressees:
        found = c.find(a)
        key = (found.pla if found else a.pla, a.role == "xmt")
        k = f"{key[0]}|{key[1]}"
        if k in seen:
            yield _p("M5", a.line, f"{a.pla} is addressed twice (first on line {seen[k]})")
        else:
            seen[k] = a.line
    orig = c.directory.lookup(c.draft.originator) if c.draft.originator else None
    for a in c.draft.addressees:
        found = c.find(a)
        if orig and found and found.pla == orig.pla and a.role != "xmt":
            yield _p("M5", a.line, f"the originator {orig.pla} addresses itself", "warning")


@rule("M6", "valid precedence")
def valid_precedence(c: Check) -> Iterator[Problem]:
    """Each addressee's precedence is FLASH, NIACT IMMEDIATE, IMMEDIATE, PRIORITY or none
    (ROUTINE is never written, H8); a misspelt word after a known address is reported
    as a bad precedence, not as an unknown address. XMT lines carry none."""
    for a in c.draft.addressees:
        if a.role == "xmt" and a.precedence is not Precedence.ROUTINE:
            yield _p("M6", a.line, "an XMT line carries no precedence (H8)")
        if c.find(a) is None and " " in a.pla:
            head, word = a.pla.rsplit(" ", 1)
            if c.directory.lookup(head) is not None:
                yield _p("M6", a.line, f"{word!r} is not a precedence (FLASH, NIACT IMMEDIATE, "
                         "IMMEDIATE, PRIORITY; ROUTINE is not written) (P1)")
        if "ROUTINE" in a.written.upper().split():
            yield _p("M6", a.line, "ROUTINE is never written on an addressee line (H8)",
                     "warning")


@rule("M7", "XMT only with a collective")
def xmt_with_collective(c: Check) -> Iterator[Problem]:
    """XMT excludes members of a collective addressee; each XMT address must be a member
    of a collective the draft addresses (H1, H8)."""
    xmt = c.draft.xmt
    if not xmt:
        return
    members: set[str] = set()
    collectives = []
    for a in c.draft.addressees:
        found = c.find(a)
        if a.role != "xmt" and found and found.collective:
            collectives.append(found.pla)
            members |= {m.pla for m in c.directory.members(found.pla)}
    for a in xmt:
        found = c.find(a)
        if not collectives:
            yield _p("M7", a.line, "XMT without a collective addressee: XMT only excludes "
                     "members of a collective")
        elif found and found.pla not in members:
            yield _p("M7", a.line, f"{found.pla} is not a member of {', '.join(collectives)}")


@rule("M8", "NIACT justified")
def niact_justified(c: Check) -> Iterator[Problem]:
    """A NIACT IMMEDIATE addressee must act at any hour: paragraph 1 says so and why
    (it names NIACT or the action requested) (P1, P4, H8)."""
    niact = [a for a in c.draft.addressees if a.precedence is Precedence.NIACT_IMMEDIATE]
    if not niact:
        return
    first = c.draft.paragraphs[0] if c.draft.paragraphs else None
    if first is None or not _NIACT_JUSTIFICATION_RE.search(first.text):
        yield _p("M8", first.line if first else niact[0].line,
                 "NIACT IMMEDIATE needs a justification in paragraph 1 (say it is a NIACT "
                 "action request and why it cannot wait)")


# -- the text --------------------------------------------------------------------

@rule("M9", "classification line")
def classification_line(c: Check) -> Iterator[Problem]:
    """The text begins with the classification: spaced (C O N F I D E N T I A L),
    UNCLAS or UNCLAS SENSITIVE, with controls such as //NOFORN (T1, C2)."""
    if c.draft.level is None and not any(p.rule == "M9" for p in c.draft.problems):
        yield _p("M9", None, "no classification line (T1)")


@rule("M10", "E.O. line")
def eo_line(c: Check) -> Iterator[Problem]:
    """An E.O. line: ``E.O. 12958: DECL: MM/DD/YYYY`` (or E.O. 13526) for classified
    cables, ``E.O. 12958: N/A`` for unclassified ones (T4)."""
    d = c.draft
    if d.eo_line is None:
        yield _p("M10", d.classification_lineno, "no E.O. line (E.O. 12958: DECL: MM/DD/YYYY "
                 "or E.O. 12958: N/A) (T4)")
    elif d.eo not in ("12958", "13526", "13292"):
        yield _p("M10", d.eo_line, f"E.O. {d.eo} is not an order in force for new "
                 "classifications (12958 as amended, 13526)")
    elif not c.classified and d.eo_text and "N/A" not in d.eo_text.upper():
        yield _p("M10", d.eo_line, "an unclassified cable's E.O. line reads N/A (T4)",
                 "warning")


@rule("M11", "classifying official")
def classifying_official(c: Check) -> Iterator[Problem]:
    """A classified cable names its classifying official in a ``Classified By:`` block
    (title and name) before paragraph 1 (T8, C4)."""
    d = c.draft
    if not c.classified:
        if d.classified_by:
            yield _p("M11", d.classified_by_line, "an unclassified cable has no Classified By "
                     "block", "warning")
        return
    if not d.classified_by:
        yield _p("M11", d.classification_lineno, "a classified cable needs 'Classified By: "
                 "<title>, <name> for reasons 1.4 (x)' (C4)")
        return
    official = re.split(r"\bfor\s+reasons?\b|\breasons?\b", d.classified_by, flags=re.I)[0]
    if len(re.findall(r"[A-Za-z]{2,}", official)) < 2:
        yield _p("M11", d.classified_by_line, "the Classified By block names no official "
                 "(title and name)")


@rule("M12", "classification reason")
def classification_reason(c: Check) -> Iterator[Problem]:
    """A classified cable gives at least one reason 1.4 (a)-(h) (1.5 before 2003):
    military plans, foreign government information, intelligence, foreign relations,
    scientific or economic matters, nuclear safeguards, vulnerabilities, WMD (T8)."""
    d = c.draft
    if c.classified and d.classified_by and not d.reasons:
        yield _p("M12", d.classified_by_line, "no reason 1.4 (a)-(h) in the Classified By "
                 "block (T8)")


@rule("M13", "declassification instruction")
def declassification(c: Check) -> Iterator[Problem]:
    """A classified cable has a declassification instruction: a date in the future at
    most 25 years ahead (``DECL: MM/DD/YYYY``), or an exemption (25X1, X1-X8, MR) (C3, T4)."""
    d = c.draft
    if not c.classified or d.eo_line is None:
        return
    text = d.eo_text or ""
    if d.declassify_on is None:
        if not _DECL_OTHER_RE.search(text):
            yield _p("M13", d.eo_line, "a classified cable needs 'DECL: MM/DD/YYYY' on its "
                     "E.O. line (C3)")
        return
    limit = c.today.replace(year=c.today.year + MAX_DECL_YEARS) \
        if not (c.today.month == 2 and c.today.day == 29) else date(c.today.year + 25, 2, 28)
    if d.declassify_on <= c.today:
        yield _p("M13", d.eo_line, f"declassification date {d.declassify_on} is not in the "
                 "future")
    elif d.declassify_on > limit:
        yield _p("M13", d.eo_line, f"declassification date {d.declassify_on} is more than "
                 f"{MAX_DECL_YEARS} years ahead (C3)")


@rule("M14", "subject TAG")
def subject_tag(c: Check) -> Iterator[Problem]:
    """TAGS lists at least one subject or program tag (PREL, PGOV, KPAO ...), not only
    country or organisation tags (T5)."""
    d = c.draft
    if d.tags_line is None:
        yield _p("M14", d.classification_lineno, "no TAGS line (T5)")
        return
    if not any(_SUBJECT_TAG_RE.match(t) and t not in ORGANISATION_TAGS for t in d.tags):
        yield _p("M14", d.tags_line, "TAGS needs at least one subject or program tag such as "
                 "PREL or KPAO (T5)")


@rule("M15", "subject")
def subject_present(c: Check) -> Iterator[Problem]:
    """A SUBJECT line with text (T6)."""
    d = c.draft
    if not (d.subject or "").strip():
        yield _p("M15", d.subject_line or d.tags_line, "no SUBJECT (T6)")


@rule("M16", "portion marks")
def portion_marks(c: Check) -> Iterator[Problem]:
    """Every paragraph carries a readable portion mark ((U), (SBU), (C), (S), (TS), with
    controls such as (S//NF)); a cable of a single paragraph is excepted (T9, C4)."""
    paras = c.draft.paragraphs
    if not paras:
        yield _p("M16", None, "no text: a cable has at least one paragraph (T9)")
        return
    for p in paras:
        if p.marking is None:
            if len(paras) > 1:
                yield _p("M16", p.line, f"paragraph {p.number or ''} has no portion mark (C4)")
            continue
        try:
            PortionMark.parse(p.marking)
        except ValueError:
            yield _p("M16", p.line, f"({p.marking}) is not a portion mark (T9)")


def _portions(c: Check) -> Iterator[tuple[int, PortionMark]]:
    for p in c.draft.paragraphs:
        if p.marking:
            try:
                yield p.line, PortionMark.parse(p.marking)
            except ValueError:
                continue


@rule("M17", "no portion above the banner")
def no_portion_above_banner(c: Check) -> Iterator[Problem]:
    """No paragraph is marked above the banner: the banner is at least the highest portion
    (C1); a portion's NOFORN control needs NOFORN on the cable (C2). A banner above every
    portion is reported as a warning (over-classification)."""
    level = c.draft.level
    if level is None:
        return
    marks = list(_portions(c))
    for line, pm in marks:
        if pm.level > level:
            yield _p("M17", line, f"portion {pm} is above the banner {level.label} (C1)")
        if any(x in ("NF", "NOFORN") for x in pm.controls) and not c.draft.noforn:
            yield _p("M17", line, f"portion {pm} is NOFORN but the cable is not (C2)")
    subject_mark = re.match(r"^\((?P<m>[A-Z/]+)\)", c.draft.subject or "")
    if subject_mark:
        try:
            if PortionMark.parse(subject_mark["m"]).level > level:
                yield _p("M17", c.draft.subject_line, "the subject is marked above the banner")
        except ValueError:
            pass
    if marks and len(marks) == len(c.draft.paragraphs) and level >= Level.CONFIDENTIAL \
            and max(pm.level for _, pm in marks) < level:
        yield _p("M17", c.draft.classification_lineno, f"banner {level.label} is above every "
                 "portion: over-classified?", "warning")


def _delivered_to(c: Check) -> Iterator[tuple[DraftAddressee, Address]]:
    """Each addressee and, for collectives, each member not excluded by XMT (H8)."""
    excluded = {f.pla for a in c.draft.xmt if (f := c.find(a))}
    for a in c.draft.addressees:
        if a.role == "xmt":
            continue
        found = c.find(a)
        if found is None:
            continue
        yield a, found
        if found.collective:
            for m in c.directory.members(found.pla):
                if m.pla not in excluded:
                    yield a, m


@rule("M18", "no NOFORN to foreign addressees")
def noforn_foreign(c: Check) -> Iterator[Problem]:
    """A NOFORN cable goes to no foreign addressee (a NATO body, a foreign government),
    neither named nor as a member of a collective (C2)."""
    if not c.draft.noforn:
        return
    for a, found in _delivered_to(c):
        if found.foreign:
            via = "" if found.pla == a.pla else f" (member of {a.pla})"
            yield _p("M18", a.line, f"NOFORN cable to foreign addressee {found.pla}{via}")


@rule("M19", "signature")
def signature(c: Check) -> Iterator[Problem]:
    """The text ends with a signature: the surname of the chief of mission or the
    Secretary, in capitals, on its own line (T11)."""
    if not c.draft.signature:
        last = max((i + 1 for i, ln in enumerate(c.draft.lines) if ln.strip()), default=None)
        yield _p("M19", last, "no signature: end the text with the signer's surname in "
                 "capitals (T11)")


@rule("M20", "paragraph numbering")
def paragraph_numbering(c: Check) -> Iterator[Problem]:
    """Paragraphs are numbered 1, 2, 3 ... without gaps or repeats; a single paragraph is
    not numbered (T9)."""
    numbered = [p for p in c.draft.paragraphs if p.number is not None]
    for expected, p in enumerate(numbered, start=1):
        if p.number != expected:
            yield _p("M20", p.line, f"paragraph {p.number} where {expected} was expected")
            return
    if numbered and len(c.draft.paragraphs) > len(numbered):
        first = next(p for p in c.draft.paragraphs if p.number is None)
        yield _p("M20", first.line, "text before paragraph 1 that is not a numbered paragraph")


@rule("M21", "FLASH sparingly")
def flash_sparingly(c: Check) -> Iterator[Problem]:
    """FLASH is for a few situations (first word of an attack, a threat to life); it is
    reported as a warning so that the releasing officer confirms it (P1)."""
    for a in c.draft.addressees:
        if a.precedence is Precedence.FLASH:
            yield _p("M21", a.line, "FLASH: the releasing officer must confirm it (P1)",
                     "warning")
            return


@rule("M22", "no NODIS or EXDIS to collectives")
def restricted_distribution(c: Check) -> Iterator[Problem]:
    """A NODIS or EXDIS cable goes only to the addressees it names: never to a
    collective, whose members the drafter does not choose one by one (C2, T3)."""
    caption = next((x for x in ("NODIS", "EXDIS") if x in c.draft.caveats), None)
    if caption is None:
        return
    for a in c.draft.addressees:
        found = c.find(a)
        if a.role != "xmt" and found is not None and found.collective:
            yield _p("M22", a.line, f"a {caption} cable may not go to the collective {found.pla}")
