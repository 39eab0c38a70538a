"""Hypothesis strategies that generate valid :class:`Cable` records.

Every generated cable is consistent the way a real one is (the reference id
agrees with the first line and the DTG, the precedence with the action
addressees, caveats with the captions ...), so that
``parse_telegram(render_telegram(c))`` must give the same record. Other parts
reuse ``cables()`` for their own round trips (JSON form, archive, web).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from hypothesis import strategies as st

from cablegram.formats.tags import tag_kind
from cablegram.model import (
    Addressee,
    Cable,
    Classification,
    ClassifiedBy,
    Dtg,
    Level,
    Paragraph,
    Precedence,
    Reference,
    ReferenceId,
    Source,
    Span,
    Tag,
    TransmissionHeader,
    julian_time_of_file,
)

# (origin as written in the message reference number, FM line, DE station RI)
POSTS = (
    ("OSLO", "AMEMBASSY OSLO", "RUEHNY"),
    ("PARIS", "AMEMBASSY PARIS", "RUEHFR"),
    ("ABU DHABI", "AMEMBASSY ABU DHABI", "RUEHAD"),
    ("NEW DELHI", "AMEMBASSY NEW DELHI", "RUEHNE"),
    ("STATE", "SECSTATE WASHDC", "RUEHC"),
    ("USNATO", "USMISSION USNATO", "RUEHNO"),
)
RI_NAMES = (
    ("RUEHC", "SECSTATE WASHDC"), ("RUEHBY", "AMEMBASSY CANBERRA"),
    ("RUEHUL", "AMEMBASSY SEOUL"), ("RUEKJCS", "SECDEF WASHINGTON DC"),
    ("RUEHXP", "ALL NATO POST COLLECTIVE"), ("RHMFISS", "HQ USCENTCOM MACDILL AFB FL"),
    ("RUCNMEM", "EU MEMBER STATES COLLECTIVE"), ("RUEHLO", "AMEMBASSY LONDON"),
)
PLAIN_NAMES = ("SECSTATE WASHDC", "AMEMBASSY LIMA", "USCINCSO", "AMCONSUL MUNICH",
               "CINCLANT")
CAPTIONS = ("NOFORN", "SIPDIS", "EXDIS", "NODIS", "LIMDIS")
PASSING = ("DEPT FOR EUR/WE", "STATE PASS USAID", "DEPT ALSO FOR INR/B")
TAG_CODES = ("PREL", "PGOV", "MOPS", "PARM", "ECON", "KPAO", "KDEM", "NATO", "IAEA", "NO",
             "RS", "FR", "OVIP (RICE, CONDOLEEZZA)")
SURNAMES = ("WHITNEY", "STAPLETON", "RICE", "CROCKER", "Whitehead")
WORDS = ("the", "embassy", "minister", "talks", "met", "with", "officials", "on",
         "cluster", "munitions", "treaty", "said", "would", "support", "Norway", "delegation",
         "press", "reported", "that", "government", "plans", "to", "review", "policy")
PRECEDENCES = (Precedence.ROUTINE, Precedence.PRIORITY, Precedence.IMMEDIATE,
               Precedence.NIACT_IMMEDIATE, Precedence.FLASH)


@st.composite
def sentences(draw: st.DrawFn, min_words: int = 3) -> str:
    words = draw(st.lists(st.sampled_from(WORDS), min_size=min_words, max_size=14))
    text = " ".join(words)
    return text[0].upper() + text[1:] + "."


@st.composite
def addressee_groups(draw: st.DrawFn, *, min_size: int, max_size: int
                     ) -> tuple[Addressee, ...]:
    """One TO, INFO or XMT group: all ``RI/PLA`` lines or all plain names (H8).

    A plain line inside an RI-style list reads as the wrapped end of the
    previous addressee, so real lists never mix the two and neither do we.
    """
    ri_style = draw(st.booleans())
    n = draw(st.integers(min_size, max_size))
    out = []
    for _ in range(n):
        prec = draw(st.sampled_from(PRECEDENCES))
        if ri_style:
            zen = draw(st.integers(0, 5)) == 0
            ri, name = draw(st.sampled_from(RI_NAMES))
            ri_out: str | None = None if zen else ri
        else:
            zen, ri_out, name = False, None, draw(st.sampled_from(PLAIN_NAMES))
        collective = "COLLECTIVE" in name
        mcn = None
        if not collective and draw(st.booleans()):
            first = draw(st.integers(0, 9990))
            mcn = f"{first:04d}"
            if draw(st.integers(0, 4)) == 0:
                mcn += f"-{first + draw(st.integers(1, 5)):04d}"
        out.append(Addressee(name=name, ri=ri_out, precedence=prec, mcn=mcn,
                             collective=collective, zen=zen))
    return tuple(out)


@st.composite
def paragraphs(draw: st.DrawFn, level: Level) -> tuple[tuple[Paragraph, ...], tuple[Span, ...]]:
    marks = {
        Level.UNCLASSIFIED: ("U",), Level.CONFIDENTIAL: ("C", "U", "C//NF"),
        Level.SECRET: ("S", "C", "S//NF", "U"), Level.TOP_SECRET: ("TS", "S", "C"),
    }[level]
    n = draw(st.integers(1, 5))
    out: list[Paragraph] = []
    spans: list[Span] = []
    for i in range(1, n + 1):
        blocks = [draw(sentences())]
        if draw(st.integers(0, 3)) == 0:
            blocks.append(draw(sentences()))
        subs: tuple[str, ...] = ()
        if draw(st.integers(0, 3)) == 0:
            subs = tuple(f"{chr(65 + k)}. {draw(sentences())}"
                         for k in range(draw(st.integers(1, 3))))
            blocks.extend(subs)
        if i == 1 and draw(st.booleans()):
            blocks[0] = "SUMMARY: " + blocks[0]
            blocks[-1] = blocks[-1] + " END SUMMARY."
            spans.append(Span("summary", 1, 1))
        subs = tuple(b for b in blocks if b[:1].isupper() and b[1:3] == ". ")
        out.append(Paragraph(i, draw(st.sampled_from(marks)), "\n".join(blocks), subs))
    return tuple(out), tuple(spans)


@st.composite
def cables(draw: st.DrawFn) -> Cable:
    """A valid cable, consistent in every field the telegram form carries."""
    when = draw(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2015, 12, 31)))
    when = when.replace(second=0, microsecond=0, tzinfo=UTC)
    dtg = Dtg(when)
    origin_written, fm, station = draw(st.sampled_from(POSTS))
    origin = origin_written.replace(" ", "")
    serial = draw(st.integers(1, 999_999))
    mrn = f"{origin_written} {serial:06d}"
    level = draw(st.sampled_from((Level.UNCLASSIFIED, Level.CONFIDENTIAL, Level.SECRET,
                                  Level.TOP_SECRET)))
    section = None
    if draw(st.booleans()):
        total = draw(st.integers(1, 9))
        section = (draw(st.integers(1, total)), total)
    sec_text = f" SECTION {section[0]:02d} OF {section[1]:02d}" if section else ""
    first_line = f"{level.spaced}{sec_text} {mrn}"
    captions = tuple(draw(st.lists(st.sampled_from(CAPTIONS), unique=True, max_size=3)))
    passing = tuple(draw(st.lists(st.sampled_from(PASSING), unique=True, max_size=2)))

    to = draw(addressee_groups(min_size=1, max_size=3))
    info = draw(addressee_groups(min_size=0, max_size=4))
    xmt = draw(addressee_groups(min_size=0, max_size=1))
    written = [a.precedence for a in to if a.precedence is not Precedence.ROUTINE]
    precedence = max(written) if written else draw(st.sampled_from(
        (Precedence.ROUTINE, Precedence.PRIORITY, Precedence.IMMEDIATE, Precedence.FLASH)))
    highest = max([precedence, *(a.precedence for a in info)])
    header = TransmissionHeader(
        transmission_id=f"VZCZC{draw(st.sampled_from(('XYZ', 'XRO')))}"
                        f"{draw(st.integers(0, 9999)):04d}",
        routing_precedence=highest.prosign * 2,
        routing=tuple(draw(st.lists(st.sampled_from(("RUEHWEB", "RUEHAG", "RUEHROV")),
                                    unique=True, min_size=1, max_size=3))),
        station=station, station_serial=serial % 10000,
        section=section[0] if section else None, time_of_file=julian_time_of_file(when),
        security_warning=level.warning, operating_signals=("ZZH",),
        dtg_prosigns=precedence.prosign,
    )

    if level is Level.UNCLASSIFIED:
        eo, decl, decl_on = "12958", "N/A", None
        cb = None
    else:
        decl_on = draw(st.dates(min_value=date(2010, 1, 1), max_value=date(2035, 12, 31)))
        eo, decl = "12958", f"DECL: {decl_on:%m/%d/%Y}"
        title = draw(st.sampled_from(("Deputy Chief of Mission", "Ambassador", "Charge")))
        name = draw(st.sampled_from(("Kevin M. Johnson", "Jane Doe", "Ann Smith")))
        letters = tuple(sorted(draw(st.lists(st.sampled_from("abcdefgh"), unique=True,
                                             min_size=1, max_size=3))))
        reasons = " and ".join(f"({x})" for x in letters)
        cb = ClassifiedBy(text=f"{title}, {name} for reasons 1.4 {reasons}", name=name,
                          title=title, reasons=letters, authority="1.4")

    codes = draw(st.lists(st.sampled_from(TAG_CODES), unique=True, min_size=1, max_size=5))
    tags = tuple(Tag(c, tag_kind(c)) for c in codes)
    subject = " ".join(draw(st.lists(st.sampled_from(WORDS), min_size=2, max_size=10))).upper()
    marking = draw(st.sampled_from((None, "(C)", "(SBU)", "(U)")))

    references: tuple[Reference, ...] = ()
    nrefs = draw(st.integers(0, 3))
    yy = when.year % 100
    pool = [
        ("STATE 1234", ReferenceId(yy, "STATE", 1234)),
        ("06 PARIS 5733", ReferenceId(6, "PARIS", 5733)),
        ("SECSTATE 64981", ReferenceId(yy, "STATE", 64981)),
        ("MEETING NOTES OF JAN 5", None),
    ]
    chosen = draw(st.lists(st.sampled_from(pool), unique=True, min_size=nrefs, max_size=nrefs))
    lettered = nrefs > 1 and draw(st.booleans())
    references = tuple(Reference(text=t, letter=chr(65 + k) if lettered else None, id=i)
                       for k, (t, i) in enumerate(chosen))

    paras, spans = draw(paragraphs(level))
    signature = tuple(draw(st.lists(st.sampled_from(SURNAMES), unique=True, max_size=2)))
    return Cable(
        raw="", reference_id=ReferenceId(yy, origin, serial), header=header, dtg=dtg,
        precedence=precedence, originator_name=fm, originator_ri=station, origin=origin,
        to=to, info=info, xmt=xmt,
        classification=Classification(level, captions), classification_line=first_line,
        section=section, mrn=mrn, captions=captions, passing=passing, eo=eo,
        declassify_instruction=decl, declassify_on=decl_on, tags=tags, subject=subject,
        subject_marking=marking, references=references, classified_by=cb,
        paragraphs=paras, spans=spans, signature=signature,
        source=Source(format="generated"),
    )
