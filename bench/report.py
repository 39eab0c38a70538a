"""``docs/benchmarks.md`` from the results dict."""

from __future__ import annotations

from typing import Any


def _ms(p: dict[str, Any]) -> str:
    return f"{p['p50']:.1f} / {p['p95']:.1f} / {p['p99']:.1f}"


def _x(v: float | None) -> str:
    return "n/a" if v is None else f"{v:.2f}x"


def markdown(r: dict[str, Any]) -> str:
    m = r["machine"]
    lines = [
        "# Benchmarks",
        "",
        "Measured figures, not goals and not tests. Each figure stands next to a baseline",
        "measured in the same run over the same input, and the ratio says how many times",
        "the baseline's cost ours is (for rates: how many times the baseline's rate ours is).",
        "Re-run with `make bench` (full) or `make bench-smoke` (tiny sizes, < 60 s).",
        "",
        f"- Date: {r['date']}",
        f"- Command: `{r['command']}`",
        f"- Mode: {'smoke (tiny sizes)' if r['smoke'] else 'full'}; synthetic seed {r['seed']}",
        f"- Machine: {m['cores']} cores, {round((m['memory_kib'] or 0) / 1048576, 1)} GiB, "
        f"{m['cpu']}, {m['os']}",
        f"- Python {m['python']}; " + ", ".join(f"{k} {v}" for k, v in m["libraries"].items()
                                               if v),
        "",
        "## Parse throughput (one core, from memory)",
        "",
        "| input | cables | ours, cables/s | raw decode+split, cables/s | ours / baseline |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, p in r["parse"].items():
        if "skipped" in p:
            lines.append(f"| {name} | skipped: {p['skipped']} | | | |")
            continue
        n = p.get("pages", p.get("cables"))
        lines.append(f"| {name} | {n} | {p['cables_per_s']:,.0f} | "
                     f"{p['baseline_split_per_s']:,.0f} | {_x(p['ratio_to_baseline'])} |")
    lines += [
        "",
        "## Ingest (synthetic cables.csv; store + search index; peak RSS of the ingest process)",
        "",
        "| cables | input MB | ours s (store + index) | ours cables/s | peak RSS MiB "
        "| read+split s | FTS5 s | tantivy s | ours / FTS5 | ours / tantivy | ours / read+split |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for i in r["ingest"]:
        o, b, x = i["ours"], i["baselines"], i.get("ratios", {})
        if "seconds" not in o:
            lines.append(f"| {i['cables']} | failed: {str(o.get('error'))[:120]} |")
            continue
        lines.append(
            f"| {i['cables']:,} | {i['input_bytes'] / 1e6:,.1f} | {o['seconds']:,.1f} "
            f"({o['store_seconds']:,.1f} + {o['index_seconds']:,.1f}) | {o['cables_per_s']:,.0f} "
            f"| {o['max_rss_mib']:,.0f} | {b['read_split']['seconds']:,.2f} "
            f"| {b['fts5']['seconds']:,.1f} | {b['tantivy']['seconds']:,.1f} "
            f"| {_x(x.get('vs_fts5'))} | {_x(x.get('vs_tantivy'))} "
            f"| {_x(x.get('vs_read_split'))} |")
    s = r.get("search")
    lines += ["", "## Search latency (ms, p50 / p95 / p99)", ""]
    if s and "queries" in s:
        lines += [
            f"Archive of {s['cables']:,} cables, {s['repeat']} runs per query, as a SECRET "
            "reader (the access filter is part of every query).",
            "",
            "| query | hits | ours with facets | ours without facets | bare FTS5 | bare tantivy |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for name, q in s["queries"].items():
            lines.append(f"| {name}: `{q['query']}` | {q['hits']:,} | {_ms(q['with_facets_ms'])} "
                         f"| {_ms(q['without_facets_ms'])} | {_ms(q['fts5_ms'])} "
                         f"| {_ms(q['tantivy_ms'])} |")
        mix = s["mix"]
        lines.append(f"| **mix** | | {_ms(mix['with_facets_ms'])} "
                     f"| {_ms(mix['without_facets_ms'])} | {_ms(mix['fts5_ms'])} "
                     f"| {_ms(mix['tantivy_ms'])} |")
        rp = mix["ratios_p50"]
        lines += ["", f"p50 ratios: with facets {_x(rp['with_facets_vs_fts5'])} FTS5, "
                      f"{_x(rp['with_facets_vs_tantivy'])} tantivy; without facets "
                      f"{_x(rp['without_facets_vs_fts5'])} FTS5, "
                      f"{_x(rp['without_facets_vs_tantivy'])} tantivy."]
    else:
        lines.append(f"skipped: {(s or {}).get('skipped', 'no archive')}")
    w = r.get("web") or {}
    lines += ["", "## Web page latency (ms, p50 / p95 / p99; real uvicorn process)", ""]
    if "pages" in w:
        lines += ["| page | path | latency | p50 / static asset |", "|---|---|---:|---:|"]
        for name, p in w["pages"].items():
            rat = w["ratios_p50_vs_static"].get(name)
            lines.append(f"| {name} | `{p['path']}` | {_ms(p['ms'])} | "
                         f"{'baseline' if rat is None else _x(rat)} |")
    else:
        lines.append(f"skipped: {w.get('skipped', 'not run')}")
    msg = r.get("messaging") or {}
    lines += ["", "## Messaging: release and delivery, FLASH under a ROUTINE backlog", ""]
    if "skipped" in msg or "error" in msg:
        lines.append(f"{'skipped' if 'skipped' in msg else 'error'}: "
                     f"{msg.get('skipped') or msg.get('error')}")
    else:
        lines += ["| figure | value |", "|---|---:|"]
        lines += [f"| {k} | {v} |" for k, v in msg.items()]
    lines += ["", "## Notes", "",
              "- Inputs are generated by `cablegram synth` (docs/synth.md) with the seed above;",
              "  generation time is not part of any figure.",
              "- Baselines do less than we do on purpose: FTS5 and tantivy store one text",
              "  field and a tags field; we parse every field of the format, keep the exact",
              "  record, versions, references and addressees, and index many fields.",
              "- Search baselines count all hits and fetch the first 20 (FTS5 with snippets).",
              "- The bench machine may be shared with other work (load average below, where",
              "  recorded): absolute figures move between runs; the same-run ratios less so.",
              ]
    if "load" in m:
        lines.append(f"- Load average (1, 5, 15 min) at start: {m['load']}; "
                     f"at end: {r.get('load_end', 'n/a')}.")
    lines.append("")
    return "\n".join(lines)
