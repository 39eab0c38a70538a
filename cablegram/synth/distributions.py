"""The measured distributions (``data/distributions.json``) and samplers over them.

``cablegram.synth.measure`` writes the file from the real corpus; this module
reads it and turns each histogram into a sampler. Samplers keep keys and
cumulative weights in lists so a draw is one ``rng.choices`` call and never
depends on hash order (same seed, same bytes).
"""

from __future__ import annotations

import itertools
import json
import random
from bisect import bisect
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Generic, TypeVar

from cablegram.errors import FormatError

DISTRIBUTIONS = Path(__file__).parent / "data" / "distributions.json"

K = TypeVar("K")

REQUIRED_KEYS = (
    "years", "months", "hours", "levels", "handling", "precedence", "origins", "to", "info",
    "to_count", "info_count", "tags", "topic_tags_count", "subject_words", "references_count",
    "reference_kinds", "paragraphs", "paragraph_words", "markings", "sections", "spans",
    "classified_by_titles", "reasons", "declassify_years", "channels", "operating_signals",
    "time_of_file_delay",
)


@dataclass(frozen=True, slots=True)
class Sampler(Generic[K]):
    """Draw keys in proportion to their weights."""

    keys: tuple[K, ...]
    cum: tuple[float, ...]

    @classmethod
    def of(cls, weights: dict[K, float] | list[tuple[K, float]]) -> Sampler[K]:
        items = list(weights.items()) if isinstance(weights, dict) else list(weights)
        items = [(k, float(w)) for k, w in items if w > 0]
        if not items:
            raise ValueError("a sampler needs at least one positive weight")
        keys = tuple(k for k, _ in items)
        return cls(keys, tuple(itertools.accumulate(w for _, w in items)))

    def _index(self, rng: random.Random) -> int:
        # What rng.choices does for k=1, without its per-call setup (hot path).
        return bisect(self.cum, rng.random() * self.cum[-1], 0, len(self.cum) - 1)

    def draw(self, rng: random.Random) -> K:
        return self.keys[self._index(rng)]

    def draw_distinct(self, rng: random.Random, n: int) -> list[K]:
        """Up to ``n`` different keys (fewer if the sampler has fewer)."""
        n = min(n, len(self.keys))
        out: list[K] = []
        seen: set[int] = set()
        tries = 0
        while len(out) < n and tries < n * 30:
            tries += 1
            i = self._index(rng)
            if i not in seen:
                seen.add(i)
                out.append(self.keys[i])
        return out


def int_hist(h: dict[str, int]) -> Sampler[int]:
    return Sampler.of({int(k): v for k, v in h.items()})


def load(path: Path = DISTRIBUTIONS) -> dict[str, Any]:
    """Read and check a distributions file; an error names the file and the key."""
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise FormatError(f"cannot read distributions: {exc}", source=str(path)) from exc
    missing = [k for k in REQUIRED_KEYS if k not in data]
    if missing:
        raise FormatError(f"distributions lack keys {missing}; re-run "
                          "`python -m cablegram.synth.measure`", source=str(path))
    return data


@cache
def shipped() -> dict[str, Any]:
    return load()
