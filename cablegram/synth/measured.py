"""Samplers built once from the distributions measured on the corpus.

``data/distributions.json`` (see docs/synth.md) holds counts only; this module
turns them into the posts, addressees and samplers the generator draws from.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from cablegram.model import Level, PortionMark, Precedence
from cablegram.synth.distributions import Sampler, int_hist
from cablegram.vocab.tags import tag_info

# Office words that precede a city in a plain-language address (H8).
_OFFICE_WORDS = ("AMEMBASSY", "AMCONSUL", "USMISSION", "USOFFICE", "AIT", "USINT", "AMEMB")


@dataclass(frozen=True, slots=True)
class Post:
    """An originating office, as measured: PLA, RI, origin and its usual country tag."""

    name: str  # AMEMBASSY OSLO
    ri: str  # RUEHNY
    origin: str  # OSLO (no spaces, T2)
    written: str  # origin as the message reference number writes it: "ABU DHABI"
    country_tag: str
    country: str
    city: str
    rate: float  # message reference serials per day of year


def _post(row: list[Any]) -> Post:
    name, ri, origin, _n, ctag, rate = row
    words = name.split()
    written = origin
    if words and words[0] in _OFFICE_WORDS and "".join(words[1:]) == origin:
        written = " ".join(words[1:])
    info = tag_info(ctag) if ctag else None
    country = info.meaning if info else "the host country"
    city = written.title() if origin != "STATE" else "Washington"
    return Post(name, ri, origin, written, ctag, country, city, max(0.2, float(rate)))


@dataclass(frozen=True, slots=True)
class Addr:
    name: str
    ri: str
    collective: bool
    numbered: bool  # carries a continuity number (H9)


class Model:
    """Samplers built once from the distributions file."""

    def __init__(self, d: dict[str, Any]) -> None:
        self.posts = [_post(r) for r in d["origins"]]
        self.origin = Sampler.of([(p, float(r[3])) for p, r in zip(self.posts, d["origins"],
                                                                   strict=True)])
        self.year = Sampler.of({int(k): v for k, v in d["years"].items() if int(k) >= 2000})
        self.month = Sampler.of(list(enumerate(d["months"], start=1)))
        self.hour = Sampler.of(list(enumerate(d["hours"])))
        self.level = Sampler.of({Level[k]: v for k, v in d["levels"].items()})
        self.handling = {Level[k]: Sampler.of(v) for k, v in d["handling"].items()}
        self.precedence = Sampler.of({Precedence.parse(k): v for k, v in d["precedence"].items()})
        # Addressees without an RI are the 1960s-70s forms (H10); a cable with
        # a VZCZC header routes every addressee by RI (H8).
        self.to = Sampler.of([(Addr(r[0], r[1], r[2], r[4] >= 0.5), r[3])
                              for r in d["to"] if r[1]])
        self.info = Sampler.of([(Addr(r[0], r[1], r[2], r[4] >= 0.5), r[3])
                                for r in d["info"] if r[1]])
        self.to_count = int_hist(d["to_count"])
        self.info_count = int_hist(d["info_count"])
        self.info_same = float(d.get("info_same_precedence", 0.8))
        self.tags = Sampler.of(d["tags"])
        self.topic_count = int_hist(d["topic_tags_count"])
        self.subject_words = int_hist(d["subject_words"])
        self.ref_count = int_hist(d["references_count"])
        kinds = {k: v for k, v in d["reference_kinds"].items() if k != "text"}
        self.ref_kind = Sampler.of(kinds or {"state": 1})
        self.ref_gap = int_hist(d.get("reference_year_gap") or {"0": 1})
        self.paragraphs = int_hist(d["paragraphs"])
        self.para_words: list[int] = [max(8, w) for w in d["paragraph_words"]]
        self.markings = {Level[k]: v for k, v in d["markings"].items()}
        self.section_chars = int(d.get("section_chars", 6000))
        spans = d["spans"]
        n = max(1, spans.get("_cables", 1))
        self.p_summary = spans.get("summary", 0) / n
        self.p_comment = spans.get("comment", 0) / n
        self.titles = Sampler.of({k: v for k, v in d["classified_by_titles"].items() if k})
        self.reasons = Sampler.of({k: v for k, v in d["reasons"].items() if k})
        self.decl_years = Sampler.of({int(k): v for k, v in d["declassify_years"].items()
                                      if 1 <= int(k) <= 25})
        self.channel = Sampler.of(d["channels"])
        self.signals = Sampler.of(d["operating_signals"])
        self.tof_delay: list[int] = d["time_of_file_delay"]

    def marking_sampler(self, level: Level) -> Sampler[str] | None:
        """Portion marks seen in cables of this level, none above it (C1, T9)."""
        ok: dict[str, float] = {}
        seen = self.markings.get(level) or self.markings.get(Level.UNCLASSIFIED, {})
        for mark, n in seen.items():
            if not mark:
                continue
            try:
                pm = PortionMark.parse(mark)
            except ValueError:
                continue
            if pm.level <= level:
                ok[mark] = n
        return Sampler.of(ok) if ok else None


def timestamps(rng: random.Random, m: Model, count: int) -> list[datetime]:
    out = []
    for _ in range(count):
        year = m.year.draw(rng)
        month = m.month.draw(rng)
        start = date(year, month, 1)
        days = ((start.replace(day=28) + timedelta(days=4)).replace(day=1) - start).days
        out.append(datetime(year, month, rng.randint(1, days), m.hour.draw(rng),
                            rng.randrange(60), tzinfo=UTC))
    out.sort()
    return out
