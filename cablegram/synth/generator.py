"""Synthetic cables: realistic, deterministic, fast.

``generate(count, seed)`` yields :class:`~cablegram.model.Cable` values in time
order. Every feature is drawn from the distributions measured on the real
corpus (``data/distributions.json``, see docs/synth.md); the text comes from the
project's own n-gram model (``language.py``). Numbering follows the format:

- message reference serials rise per (origin, year) with gaps, the gaps being
  cables the archive will never hold (T1, T2);
- continuity numbers run per (originating office, addressee), consecutive,
  wrapping 9999 -> 0000, a range for multi-section cables, none for
  collectives and military addressees (H9);
- references point at earlier generated cables or at gaps (missing ones, T7).

Same seed, same cables, same bytes: all draws come from one
``random.Random(seed)`` and nothing depends on hash order.
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

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
    TagKind,
    TransmissionHeader,
    julian_time_of_file,
)
from cablegram.synth import distributions as dist
from cablegram.synth.distributions import Sampler
from cablegram.synth.language import SURNAMES, Language, Pools, fill, slot_values
from cablegram.synth.measured import Addr, Model, Post, timestamps
from cablegram.vocab.tags import kind_of

FORMAT = "synthetic"
# Share of references that point at a cable this run generated (design): the
# rest point at gaps in the numbering, cables the archive does not hold.
P_REF_IN_CORPUS = 0.5
_INITIALS = "ABCDEFGHJKLMNPRSTW"


@dataclass(slots=True)
class _State:
    """Counters that must stay consistent across a whole generated corpus."""

    serial: dict[tuple[str, int], int]
    issued: dict[tuple[str, int], set[int]]
    mcn: dict[tuple[str, str], int]
    recent: deque[ReferenceId]
    recent_by_origin: dict[str, deque[ReferenceId]]


class Generator:
    """Generates one consistent synthetic corpus for a seed."""

    def __init__(self, seed: int, distributions: dict[str, Any] | None = None) -> None:
        self.seed = seed
        self.rng = random.Random(seed)
        self.m = Model(distributions if distributions is not None else dist.shipped())
        self.lang = Language.build(seed)
        self.pools = Pools.build(seed)
        self.state = _State({}, {}, {}, deque(maxlen=4000), {})
        self._marks: dict[Level, Sampler[str] | None] = {}

    def cables(self, count: int) -> Iterator[Cable]:
        for when in timestamps(self.rng, self.m, count):
            yield self.cable(when)

    # -- numbering -----------------------------------------------------------

    def _serial(self, post: Post, when: datetime) -> int:
        key = (post.origin, when.year)
        doy = when.timetuple().tm_yday
        last = self.state.serial.get(key, 0)
        target = int(post.rate * doy * self.rng.uniform(0.9, 1.1))
        serial = max(last + 1, target)
        self.state.serial[key] = serial
        self.state.issued.setdefault(key, set()).add(serial)
        return serial

    def _mcn(self, origin_ri: str, a: Addr, numbers: int) -> str | None:
        """The next continuity number(s) of the (originator, addressee) series (H9)."""
        if not a.numbered or a.collective:
            return None
        key = (origin_ri, a.name)
        first = self.state.mcn.get(key)
        if first is None:
            first = self.rng.randrange(10000)
        last = (first + numbers - 1) % 10000
        self.state.mcn[key] = (last + 1) % 10000
        return f"{first:04d}" if numbers == 1 else f"{first:04d}-{last:04d}"

    # -- parts -----------------------------------------------------------------

    def _addressees(self, post: Post, prec: Precedence, sections: int
                    ) -> tuple[tuple[Addressee, ...], tuple[Addressee, ...]]:
        rng, m = self.rng, self.m
        n_to = max(1, m.to_count.draw(rng))
        chosen = {post.name}
        to: list[Addressee] = []
        for a in m.to.draw_distinct(rng, n_to + 1):
            if a.name in chosen or len(to) >= n_to:
                continue
            chosen.add(a.name)
            to.append(Addressee(a.name, a.ri or None, prec, self._mcn(post.ri, a, sections),
                                collective=a.collective))
        if not to:  # the only TO drawn was the post itself: send to the Department
            to.append(Addressee("SECSTATE WASHDC", "RUEHC", prec,
                                self._mcn(post.ri, Addr("SECSTATE WASHDC", "RUEHC", False,
                                                         True), sections)))
            chosen.add("SECSTATE WASHDC")
        info: list[Addressee] = []
        for a in m.info.draw_distinct(rng, m.info_count.draw(rng)):
            if a.name in chosen:
                continue
            chosen.add(a.name)
            p = prec if rng.random() < m.info_same else Precedence.ROUTINE
            info.append(Addressee(a.name, a.ri or None, p, self._mcn(post.ri, a, sections),
                                  collective=a.collective))
        return tuple(to), tuple(info)

    def _tags(self, post: Post) -> tuple[Tag, ...]:
        codes = self.m.tags.draw_distinct(self.rng, max(1, self.m.topic_count.draw(self.rng)))
        out = [Tag(c, _tag_kind(c)) for c in codes]
        if post.country_tag:
            out.append(Tag(post.country_tag, TagKind.COUNTRY))
        return tuple(out)

    def _references(self, post: Post, when: datetime) -> tuple[Reference, ...]:
        rng, m, st = self.rng, self.m, self.state
        ids: list[ReferenceId] = []
        for _ in range(m.ref_count.draw(rng)):
            kind = m.ref_kind.draw(rng)
            pool = (st.recent_by_origin.get("STATE") if kind == "state" else
                    st.recent_by_origin.get(post.origin) if kind == "same_origin" else
                    st.recent)
            if pool and rng.random() < P_REF_IN_CORPUS:
                rid: ReferenceId | None = pool[rng.randrange(len(pool))]
            else:
                rid = self._missing_ref(kind, post, when)
            if rid is not None and rid not in ids:
                ids.append(rid)
        # T7: a list of several is lettered A, B, C ...; a single reference is not.
        lettered = len(ids) > 1
        return tuple(Reference(_ref_text(rid, when.year), chr(ord("A") + i) if lettered else None,
                               rid) for i, rid in enumerate(ids))

    def _missing_ref(self, kind: str, post: Post, when: datetime) -> ReferenceId | None:
        """An id in a gap of the numbering: a cable the corpus never holds (T7).

        Serials only rise, so a gap below an (origin, year)'s last serial stays a
        gap; a year with no cable yet is taken as a year before the corpus starts,
        whose serials are all missing.
        """
        origin = "STATE" if kind == "state" else post.origin
        if kind == "other":
            origin = self.m.origin.draw(self.rng).origin
        year = when.year - min(self.m.ref_gap.draw(self.rng), 3)
        top = self.state.serial.get((origin, year), 0)
        if top == 0:
            if year == when.year:
                year -= 1
                top = self.state.serial.get((origin, year), 0)
            if top == 0:
                return ReferenceId(year % 100, origin, self.rng.randint(1, 999))
        issued = self.state.issued.get((origin, year), set())
        for _ in range(8):
            serial = self.rng.randint(1, top)
            if serial not in issued:
                return ReferenceId(year % 100, origin, serial)
        return None

    def _paragraphs(self, level: Level, slots: dict[str, str]
                    ) -> tuple[tuple[Paragraph, ...], tuple[Span, ...]]:
        rng, m = self.rng, self.m
        # T9: a single paragraph is not numbered, and then carries no portion
        # mark either; classified cables need marks (C4), so they get two or more.
        count = max(1 if level < Level.SBU else 2, m.paragraphs.draw(rng))
        if level not in self._marks:
            self._marks[level] = m.marking_sampler(level)
        marks = self._marks[level]
        paras: list[Paragraph] = []
        spans: list[Span] = []
        summary = count > 2 and rng.random() < m.p_summary
        comment = count > 2 and rng.random() < m.p_comment
        for i in range(1, count + 1):
            words = rng.choice(m.para_words)
            text = self.lang.paragraph(rng, max(1, round(words / 17)), slots)
            if i == 1 and summary:
                text = f"SUMMARY: {text} END SUMMARY."
                spans.append(Span("summary", 1, 1))
            if i == count and comment:
                text = f"COMMENT: {text} END COMMENT."
                spans.append(Span("comment", count, count))
            mark = marks.draw(rng) if marks is not None and count > 1 else None
            if i == 1 and level >= Level.CONFIDENTIAL:
                mark = level.letter  # C1: the cable's level is its highest portion
            paras.append(Paragraph(i if count > 1 else None, mark, text))
        return tuple(paras), tuple(spans)

    def _subject(self, post: Post, slots: dict[str, str]) -> str:
        """``COUNTRY: `` then, most often, the cable's topic, then words of the text (T6)."""
        rng = self.rng
        n = max(2, self.m.subject_words.draw(rng))
        head = (post.country if post.origin != "STATE" else slots["COUNTRY"]).upper()
        words = fill(" ".join(rng.choices(self.lang.sentences, k=2)), slots).split()
        body = [w.strip(".,;:?").upper() for w in words if w.strip(".,;:?")]
        if rng.random() < 0.6:
            body = [*slots["TOPIC"].upper().split(), *body]
        return f"{head}: " + " ".join(body[: max(1, n - len(head.split()))])

    def _classified_by(self, level: Level) -> ClassifiedBy | None:
        if level < Level.CONFIDENTIAL:
            return None
        rng = self.rng
        title = self.m.titles.draw(rng)
        # An invented name: initial, then a surname spliced from two of ours.
        surname = rng.choice(SURNAMES)[0] + rng.choice("aeiou") + rng.choice(SURNAMES)[1:]
        name = f"{rng.choice(_INITIALS)}. {surname}"
        reasons = tuple(r.strip() for r in self.m.reasons.draw(rng).split(",") if r.strip())
        text = f"{title}, {name}, for reasons 1.4 " + " and ".join(f"({r})" for r in reasons)
        return ClassifiedBy(text=text, name=name, title=title, reasons=reasons, authority="1.4")

    # -- the cable -------------------------------------------------------------

    def cable(self, when: datetime) -> Cable:
        rng, m = self.rng, self.m
        post = m.origin.draw(rng)
        serial = self._serial(post, when)
        rid = ReferenceId(when.year % 100, post.origin, serial)
        level = m.level.draw(rng)
        captions_caveats = m.handling[level].draw(rng) if level in m.handling else "||"
        caps_s, _, cav_s = captions_caveats.partition("||")
        captions = tuple(c for c in caps_s.split("|") if c)
        caveats = tuple(c for c in cav_s.split("|") if c)
        admin = "SBU" if level is Level.SBU else None
        if level is Level.UNCLASSIFIED and any(c.endswith("SENSITIVE") for c in captions):
            level, admin = Level.SBU, "SBU"  # C1: UNCLAS with SENSITIVE is SBU traffic
        prec = m.precedence.draw(rng)
        country_post = post if post.origin != "STATE" else m.origin.draw(rng)
        slots = slot_values(rng, country_post.country, country_post.city, self.pools)
        paragraphs, spans = self._paragraphs(level, slots)
        # A long cable goes out in sections (T1, T10), as many as its length needs
        # with a section holding up to twice the measured median characters per
        # section (design); each section takes one MCN (H9).
        sections = 1 + sum(len(p.text) for p in paragraphs) // (2 * m.section_chars)
        to, info = self._addressees(post, prec, sections)
        dtg = Dtg(when)
        delay = rng.choice(m.tof_delay) if m.tof_delay else 0
        chan = m.channel.draw(rng)
        mrn = f"{post.written} {serial:06d}"
        section = (1, sections) if sections > 1 else None
        banner = level.spaced + (f" SECTION 01 OF {sections:02d}" if section else "")
        header = TransmissionHeader(
            transmission_id=f"VZCZC{chan}{rng.randrange(10000) if chan != 'XYZ' else 0:04d}",
            routing_precedence=max([*to, *info], key=lambda a: a.precedence).precedence.prosign * 2,
            routing=("RUEHWEB",) if chan == "XYZ" else tuple(sorted({a.ri for a in info
                                                                     if a.ri})[:6]) or ("RUEHC",),
            station=post.ri, station_serial=serial % 10000, section=1 if section else None,
            time_of_file=julian_time_of_file(when + timedelta(minutes=delay)),
            security_warning=level.warning,
            operating_signals=tuple(s for s in m.signals.draw(rng).split("|") if s),
            dtg_prosigns=prec.prosign,
        )
        cb = self._classified_by(level)
        decl_on = None
        if level >= Level.CONFIDENTIAL:
            decl_on = date(when.year + m.decl_years.draw(rng), when.month, min(when.day, 28))
        cable = Cable(
            raw="",
            reference_id=rid,
            header=header,
            dtg=dtg,
            precedence=prec,
            originator_name=post.name,
            originator_ri=post.ri,
            origin=post.origin,
            to=to,
            info=info,
            classification=Classification(level, caveats, admin_control=admin),
            classification_line=f"{banner} {mrn}",
            section=section,
            mrn=mrn,
            captions=captions,
            eo="12958",
            declassify_instruction=(f"DECL: {decl_on:%m/%d/%Y}" if decl_on else "N/A"),
            declassify_on=decl_on,
            tags=self._tags(post),
            subject=self._subject(post, slots),
            references=self._references(post, when),
            classified_by=cb,
            paragraphs=paragraphs,
            spans=spans,
            signature=(rng.choice(SURNAMES).upper(),),
            source=Source(format=FORMAT, metadata={"seed": self.seed}),
        )
        self.state.recent.append(rid)
        self.state.recent_by_origin.setdefault(post.origin, deque(maxlen=500)).append(rid)
        return cable


def _tag_kind(code: str) -> TagKind:
    """The kind the telegram reader gives a tag (its T5 table), else the vocabulary's."""
    try:
        from cablegram.formats.tags import tag_kind
    except ImportError:
        return kind_of(code)
    return tag_kind(code)


def _ref_text(rid: ReferenceId | None, year: int) -> str:
    """A reference as a REF line writes it: ``STATE 64981``, ``06 PARIS 5733`` (T7)."""
    if rid is None:
        return ""
    if rid.full_year == year:
        return f"{rid.origin} {rid.serial}"
    return f"{rid.year:02d} {rid.origin} {rid.serial}"


def generate(count: int, seed: int = 0) -> Iterator[Cable]:
    """``count`` synthetic cables in time order, the same for the same seed."""
    return Generator(seed).cables(count)
