"""Measure the distributions of real cables for the synthetic corpus.

Run ``python -m cablegram.synth.measure [CORPUS] [-o FILE]`` (CORPUS defaults
to ``../shared/corpus``). It reads the WikiLeaks Cablegate pages (2010 and
2011 releases) and the raw telegrams with the project's own codec and counts
what the generator needs; the output, ``data/distributions.json``, holds only
counts and short codes (tags, posts, caption names, titles), never cable
text. ``docs/synth.md`` describes every key.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cablegram.model import Cable, Level, TagKind

# T8 titles are kept only when every word is a role or an office symbol: the
# classified-by block also names people, and names are not measured.
ROLE_WORDS = frozenset({
    "AMBASSADOR", "DCM", "CHARGE", "CDA", "ACTING", "A/DCM", "POLCOUNS", "A/POLCOUNS",
    "ECONCOUNS", "POLOFF", "ECONOFF", "DEPUTY", "CHIEF", "OF", "MISSION", "POLITICAL",
    "ECONOMIC", "COUNSELOR", "CONSUL", "GENERAL", "PRINCIPAL", "OFFICER", "D'AFFAIRES",
    "SECTION", "AFFAIRS", "MINISTER", "POL/ECON", "POLITICAL/ECONOMIC", "DIRECTOR",
    "ASSISTANT", "SECRETARY", "CHIEF,", "A.I.", "CHARGE D'AFFAIRES", "POL-MIL", "MGMT",
})
# T9 portion marks are kept in their canonical written forms only: (C), (S//NF), (SBU).
_CANONICAL_MARK = re.compile(r"^(?:TS|S|C|U|SBU)(?:/{1,2}(?:NF|NOFORN|REL NATO))?$")
_TAG_CODE = re.compile(r"^[A-Z][A-Z0-9]{1,5}$")
OUT = Path(__file__).parent / "data" / "distributions.json"
DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus"


def read_corpus(root: Path) -> Iterator[Cable]:
    """Every cable of the 2000s-style forms: WikiLeaks pages and raw telegrams."""
    from cablegram.formats.encoding import decode_bytes
    from cablegram.formats.telegram import parse_telegram
    from cablegram.formats.wikileaks import parse_wikileaks_html

    for release in ("cablegate-2010", "cablegate-2011"):
        for path in sorted((root / release).rglob("*.html")):
            yield parse_wikileaks_html(path.read_bytes(), path=str(path))
    for path in sorted((root / "raw-telegrams").glob("*.txt")):
        yield parse_telegram(decode_bytes(path.read_bytes()))


def _hist(values: list[int], cap: int) -> dict[str, int]:
    c = Counter(min(v, cap) for v in values)
    return {str(k): c[k] for k in sorted(c)}


def _quantiles(values: list[int], n: int = 50) -> list[int]:
    """``n`` evenly spaced quantiles: enough to draw from the empirical distribution."""
    if len(values) < 2:
        return values or [0]
    return [int(q) for q in statistics.quantiles(values, n=n, method="inclusive")]


def _top(c: Counter[str], n: int | None = None) -> dict[str, int]:
    return {k: v for k, v in sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))[:n]}


def origin_rows(origins: dict[tuple[str, str, str], Counter[str]],
                rates: dict[tuple[str, str, str], list[float]]) -> list[list[Any]]:
    """[PLA, RI, origin, cables, usual country tag, median serial per day of year]."""
    rows: list[tuple[int, str, list[Any]]] = []
    for (name, ri, origin), n in origins.items():
        country = max((k for k in n if k != "_n"), key=lambda k: (n[k], k), default="")
        rate = round(statistics.median(rates[(name, ri, origin)]), 2) \
            if rates[(name, ri, origin)] else 1.0
        rows.append((-n["_n"], name, [name, ri, origin, n["_n"], country, rate]))
    return [r for _, _, r in sorted(rows, key=lambda t: (t[0], t[1]))]


def measure(cables: list[Cable]) -> dict[str, Any]:
    """Count the features the generator draws from (see docs/synth.md)."""
    modern = [c for c in cables if c.dtg is not None and c.dtg.when.year >= 2000]
    out: dict[str, Any] = {"cables": len(cables), "modern_cables": len(modern)}
    years: Counter[str] = Counter()
    months = [0] * 12
    hours = [0] * 24
    weekdays = [0] * 7
    levels: Counter[str] = Counter()
    handling: dict[str, Counter[str]] = defaultdict(Counter)
    precedence: Counter[str] = Counter()
    origins: dict[tuple[str, str, str], Counter[str]] = defaultdict(Counter)
    origin_rate: dict[tuple[str, str, str], list[float]] = defaultdict(list)
    to_pool: dict[tuple[str, str, bool], list[int]] = defaultdict(lambda: [0, 0])
    info_pool: dict[tuple[str, str, bool], list[int]] = defaultdict(lambda: [0, 0])
    to_count: list[int] = []
    info_count: list[int] = []
    info_same_prec = [0, 0]
    tags: Counter[str] = Counter()
    n_topic_tags: list[int] = []
    n_country_tags: list[int] = []
    subject_words: list[int] = []
    ref_count: list[int] = []
    ref_kinds: Counter[str] = Counter()
    ref_gap: list[int] = []
    para_count: list[int] = []
    para_words: list[int] = []
    marks: dict[str, Counter[str]] = defaultdict(Counter)
    sections: list[int] = []
    section_chars: list[int] = []
    spans: Counter[str] = Counter()
    titles: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    decl_gap: list[int] = []
    eo: Counter[str] = Counter()
    channels: Counter[str] = Counter()
    signals: Counter[str] = Counter()
    tof_delay: list[int] = []
    sig_lines: list[int] = []
    for c in modern:
        assert c.dtg is not None
        w = c.dtg.when
        years[str(w.year)] += 1
        months[w.month - 1] += 1
        hours[w.hour] += 1
        weekdays[w.weekday()] += 1
        lv = c.classification.level.name
        levels[lv] += 1
        handling[lv]["|".join(c.captions) + "||" + "|".join(c.classification.caveats)] += 1
        precedence[c.precedence.word] += 1
        if c.originator_name and c.originator_ri and c.origin:
            key = (c.originator_name, c.originator_ri, c.origin)
            countries = [t.code for t in c.tags if t.kind is TagKind.COUNTRY]
            origins[key]["_n"] += 1
            for t in countries[:1]:
                origins[key][t] += 1
            if c.reference_id is not None:
                doy = w.timetuple().tm_yday
                origin_rate[key].append(c.reference_id.serial / doy)
        to_count.append(len(c.to))
        info_count.append(len(c.info))
        for pool, addrs in ((to_pool, c.to), (info_pool, c.info)):
            for a in addrs:
                rec = pool[(a.name, a.ri or "", a.collective)]
                rec[0] += 1
                rec[1] += 1 if a.mcn else 0
        for a in c.info:
            info_same_prec[0] += 1
            info_same_prec[1] += a.precedence == c.precedence
        topic = [t for t in c.tags if t.kind not in (TagKind.COUNTRY, TagKind.PERSON)]
        # T5 codes only: 2-6 letters. Longer "tags" are words of person tags
        # (``OVIP (NAME, NAME)``) or free text that a TAGS line sometimes holds.
        tags.update(t.code for t in topic if _TAG_CODE.match(t.code))
        n_topic_tags.append(len(topic))
        n_country_tags.append(sum(t.kind is TagKind.COUNTRY for t in c.tags))
        subject_words.append(len((c.subject or "").split()))
        ref_count.append(len(c.references))
        for r in c.references:
            if r.id is None:
                ref_kinds["text"] += 1
                continue
            ref_kinds["state" if r.id.origin == "STATE" else
                      "same_origin" if r.id.origin == c.origin else "other"] += 1
            if w.year >= r.id.full_year:
                ref_gap.append(w.year - r.id.full_year)
        para_count.append(len(c.paragraphs))
        for p in c.paragraphs:
            para_words.append(len(p.text.split()))
            mark = p.marking or ""
            if not mark or _CANONICAL_MARK.match(mark):
                marks[lv][mark] += 1
        sections.append(c.section[1] if c.section else 1)
        if c.section and c.section[1] > 1:
            section_chars.append(len(c.body) // c.section[1])
        spans["_cables"] += 1
        for s in c.spans:
            spans[s.kind] += 1
        if c.classified_by is not None:
            title = c.classified_by.title or ""
            if title and all(w.upper() in ROLE_WORDS or "/" in w for w in title.split()):
                titles[title] += 1
            reasons[",".join(c.classified_by.reasons)] += 1
        if c.declassify_on is not None:
            decl_gap.append(c.declassify_on.year - w.year)
        eo[c.eo or ""] += 1
        if c.header is not None and c.header.transmission_id:
            channels[c.header.transmission_id[5:8]] += 1
            # H5: operating signals are Z + 2 letters; other tokens are transcription noise.
            signals["|".join(s for s in c.header.operating_signals
                             if re.fullmatch(r"Z[A-Z]{2}", s))] += 1
            if c.header.time_of_file and len(c.header.time_of_file) == 7:
                tof = c.header.time_of_file
                day = w.timetuple().tm_yday
                delay = (int(tof[:3]) - day) * 1440 + int(tof[3:5]) * 60 + int(tof[5:]) \
                    - (w.hour * 60 + w.minute)
                if 0 <= delay < 1440:
                    tof_delay.append(delay)
        sig_lines.append(len(c.signature))

    def pool_rows(pool: dict[tuple[str, str, bool], list[int]]) -> list[list[Any]]:
        rows = [[name, ri, coll, n, round(m / n, 3)] for (name, ri, coll), (n, m) in pool.items()]
        return sorted(rows, key=lambda r: (-r[3], r[0]))

    out.update({
        "years": dict(sorted(years.items())),
        "months": months, "hours": hours, "weekdays": weekdays,
        "levels": {k: levels[k] for k in Level.__members__ if k in levels},
        "handling": {lv: _top(c) for lv, c in sorted(handling.items())},
        "precedence": _top(precedence),
        "origins": origin_rows(origins, origin_rate),
        "to": pool_rows(to_pool), "info": pool_rows(info_pool),
        "to_count": _hist(to_count, 6), "info_count": _hist(info_count, 40),
        "info_same_precedence": round(info_same_prec[1] / max(1, info_same_prec[0]), 3),
        "tags": _top(tags), "topic_tags_count": _hist(n_topic_tags, 8),
        "country_tags_count": _hist(n_country_tags, 5),
        "subject_words": _hist(subject_words, 30),
        "references_count": _hist(ref_count, 8), "reference_kinds": _top(ref_kinds),
        "reference_year_gap": _hist(ref_gap, 10),
        "paragraphs": _hist(para_count, 40), "paragraph_words": _quantiles(para_words),
        "markings": {lv: _top(c) for lv, c in sorted(marks.items())},
        "sections": _hist(sections, 10),
        "section_chars": int(statistics.median(section_chars)) if section_chars else 6000,
        "spans": _top(spans),
        "classified_by_titles": _top(titles, 40), "reasons": _top(reasons),
        "declassify_years": _hist(decl_gap, 30), "eo": _top(eo),
        "channels": _top(channels), "operating_signals": _top(signals),
        "time_of_file_delay": _quantiles(tof_delay, 20), "signature_lines": _hist(sig_lines, 3),
    })
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("-o", "--output", type=Path, default=OUT)
    args = ap.parse_args(argv)
    if not args.corpus.exists():
        print(f"corpus not found: {args.corpus}", file=sys.stderr)
        return 66
    cables = list(read_corpus(args.corpus))
    dist = measure(cables)
    args.output.write_text(json.dumps(dist, indent=1, ensure_ascii=False) + "\n",
                           encoding="utf-8")
    print(f"measured {dist['modern_cables']} of {dist['cables']} cables -> {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
