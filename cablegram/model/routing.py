"""Routing indicators (rule H7)."""

from __future__ import annotations

import re
from dataclasses import dataclass

_RI_RE = re.compile(r"^[RQ][A-Z]{3,6}$")


@dataclass(frozen=True, slots=True, order=True)
class RoutingIndicator:
    """A 4-7 letter routing indicator starting with R or Q (H7): ``RUEHNY``."""

    code: str

    def __post_init__(self) -> None:
        if not _RI_RE.match(self.code):
            raise ValueError(f"not a routing indicator: {self.code!r} (rule H7)")

    def __str__(self) -> str:
        return self.code

    @classmethod
    def is_valid(cls, text: str) -> bool:
        return bool(_RI_RE.match(text))
