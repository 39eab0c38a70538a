"""Search latency (p50/p95/p99) for a fixed query mix, with and without facets, per backend.

The mix: one word, a phrase, a field filter with a word. Ours runs through
the archive (query language, access filter inside the query, snippets) on
each backend's archive of the same cables; the baselines run the same words
on bare FTS5 and bare tantivy over the same texts. Each query is timed on
every backend and both baselines back to back, so all see the same load.
"""

from __future__ import annotations

from contextlib import ExitStack
from functools import partial
from pathlib import Path
from typing import Any

from bench import backends, baselines
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


def run(targets: list[dict[str, str]], base: dict[str, str], repeat: int) -> dict[str, Any]:
    """``targets``: each backend's archive (see ``bench.backends``); ``base``: the
    ``fts5`` and ``tantivy`` baseline paths built over the same cables."""
    from cablegram.access.principal import Principal
    from cablegram.model import Level

    # A cleared reader without NOFORN: the access filter has work to do.
    who = Principal(name="bench", clearance=Level.SECRET)
    fts = baselines.fts5_searcher(Path(base["fts5"]))
    tan = baselines.tantivy_searcher(Path(base["tantivy"]))
    names = [t["backend"] for t in targets]
    out: dict[str, Any] = {"repeat": repeat, "backends": names, "queries": {}}
    samples: dict[str, list[float]] = {"fts5": [], "tantivy": []}
    for b in names:
        samples[f"{b}:f"] = []
        samples[f"{b}:nf"] = []
    with ExitStack() as stack:
        archives = {t["backend"]: stack.enter_context(backends.opened(t)) for t in targets}
        for a in archives.values():
            a.search("warm", who, limit=20)  # bring each index up to date first
        for name, ours, q_fts, q_tan in QUERIES:
            row: dict[str, Any] = {"query": ours, "fts5_hits": fts(q_fts),
                                   "tantivy_hits": tan(q_tan), "ours": {}}
            for b, a in archives.items():
                f = latencies(partial(a.search, ours, who, limit=20, facets=True), repeat)
                nf = latencies(partial(a.search, ours, who, limit=20, facets=False), repeat)
                samples[f"{b}:f"] += f
                samples[f"{b}:nf"] += nf
                row["ours"][b] = {"hits": a.search(ours, who, limit=20, facets=False).total,
                                  "with_facets_ms": percentiles(f),
                                  "without_facets_ms": percentiles(nf)}
            b1 = latencies(partial(fts, q_fts), repeat)
            b2 = latencies(partial(tan, q_tan), repeat)
            samples["fts5"] += b1
            samples["tantivy"] += b2
            row["fts5_ms"] = percentiles(b1)
            row["tantivy_ms"] = percentiles(b2)
            out["queries"][name] = row
    mix: dict[str, Any] = {"fts5_ms": percentiles(samples["fts5"]),
                           "tantivy_ms": percentiles(samples["tantivy"]), "ours": {}}
    for b in names:
        pf, pnf = percentiles(samples[f"{b}:f"]), percentiles(samples[f"{b}:nf"])
        mix["ours"][b] = {
            "with_facets_ms": pf, "without_facets_ms": pnf,
            "ratios_p50": {
                "with_facets_vs_fts5": ratio(pf["p50"], mix["fts5_ms"]["p50"]),
                "without_facets_vs_fts5": ratio(pnf["p50"], mix["fts5_ms"]["p50"]),
                "with_facets_vs_tantivy": ratio(pf["p50"], mix["tantivy_ms"]["p50"]),
                "without_facets_vs_tantivy": ratio(pnf["p50"], mix["tantivy_ms"]["p50"]),
            }}
    lite = mix["ours"].get(backends.SQLITE)
    for b in names:
        if lite is not None and b != backends.SQLITE:  # the same run's embedded default
            mix["ours"][b]["ratios_p50"]["with_facets_vs_sqlite"] = ratio(
                mix["ours"][b]["with_facets_ms"]["p50"], lite["with_facets_ms"]["p50"])
            mix["ours"][b]["ratios_p50"]["without_facets_vs_sqlite"] = ratio(
                mix["ours"][b]["without_facets_ms"]["p50"], lite["without_facets_ms"]["p50"])
    out["mix"] = mix
    return out
