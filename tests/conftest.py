"""Shared test helpers.

The real cables live outside the repository, in ``../shared/corpus`` relative
to the repository root (CI puts them there). They are never copied into the
repository; tests that need them skip with a clear message where absent.
"""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CORPUS = (REPO / ".." / "shared" / "corpus").resolve()


def corpus_path(*parts: str) -> Path:
    """A path inside the shared corpus; skip the calling test when it is absent."""
    path = CORPUS.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"corpus not available: {path} (expected the shared corpus at {CORPUS})")
    return path


@pytest.fixture
def corpus() -> Path:
    """The corpus root; skips the test when the shared corpus is absent."""
    return corpus_path()
