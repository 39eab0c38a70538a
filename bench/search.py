"""Search latency (p50/p95/p99) for a fixed query mix, with and without facets.

The mix: one word, a phrase, a field filter with a word. Ours runs through
the archive (query language, access filter inside the query, snippets); the
baselines run the same words on bare FTS5 and bare tantivy over the same texts.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

from bench import baselines
from bench.timing import latencies, percentiles, ratio

# (name, our query, FTS5 query, tantivy query)
# The synthetic text has common words (in most cables) and a Zipf tail of topics
# (docs/synth.md): the mix holds a rare word, a common word and a rare phrase.
QUERIES = (
    ("word", "fisheries", "fisheries", "fisheries"),
    ("common_word", "pipeline", "pipeline", "pipeline"),
    ("phrase", '"border crossing"', '"border crossing"', '"border crossing"'),
    ("field_and_word", "tag:PREL election", "tags:PREL AND election",
     "tags:prel AND election"),
)


def run(paths: dict[str, str], repeat: int) -> dict[str, Any]:
    from cablegram.access.principal import Principal
    from cablegram.archive import open_archive
    from cablegram.model import Level

    archive = open_archive(paths["archive"])
    # A cleared reader without NOFORN: the access filter has work to do.
    who = Principal(name="bench", clearance=Level.SECRET)
    fts = baselines.fts5_searcher(Path(paths["fts5"]))
    tan = baselines.tantivy_searcher(Path(paths["tantivy"]))
    out: dict[str, Any] = {"repeat": repeat, "queries": {}}
    all_f: list[float] = []
    all_nf: list[float] = []
    all_fts: list[float] = []
    all_tan: list[float] = []
    try:
        archive.search("warm", who, limit=20)  # bring the index up to date first
        for name, ours, q_fts, q_tan in QUERIES:
            total = archive.search(ours, who, limit=20, facets=False).total
            f = latencies(partial(archive.search, ours, who, limit=20, facets=True), repeat)
            nf = latencies(partial(archive.search, ours, who, limit=20, facets=False), repeat)
            b1 = latencies(partial(fts, q_fts), repeat)
            b2 = latencies(partial(tan, q_tan), repeat)
            all_f += f
            all_nf += nf
            all_fts += b1
            all_tan += b2
            out["queries"][name] = {
                "query": ours, "hits": total, "fts5_hits": fts(q_fts),
                "tantivy_hits": tan(q_tan), "with_facets_ms": percentiles(f),
                "without_facets_ms": percentiles(nf), "fts5_ms": percentiles(b1),
                "tantivy_ms": percentiles(b2)}
    finally:
        archive.close()
    mix: dict[str, Any] = {
        "with_facets_ms": percentiles(all_f), "without_facets_ms": percentiles(all_nf),
        "fts5_ms": percentiles(all_fts), "tantivy_ms": percentiles(all_tan)}
    mix["ratios_p50"] = {
        "with_facets_vs_fts5": ratio(mix["with_facets_ms"]["p50"], mix["fts5_ms"]["p50"]),
        "without_facets_vs_fts5": ratio(mix["without_facets_ms"]["p50"], mix["fts5_ms"]["p50"]),
        "with_facets_vs_tantivy": ratio(mix["with_facets_ms"]["p50"],
                                        mix["tantivy_ms"]["p50"]),
        "without_facets_vs_tantivy": ratio(mix["without_facets_ms"]["p50"],
                                           mix["tantivy_ms"]["p50"]),
    }
    out["mix"] = mix
    return out
