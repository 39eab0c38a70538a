"""Validate a draft against every rule of :mod:`cablegram.messaging.rules`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from cablegram.errors import ValidationError
from cablegram.messaging.directory import Directory
from cablegram.messaging.draft import Draft, Problem
from cablegram.messaging.rules import RULES, Check


@dataclass(frozen=True, slots=True)
class Report:
    draft: Draft
    problems: tuple[Problem, ...]

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "error")

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "warning")

    @property
    def ok(self) -> bool:
        return not self.errors

    def lines(self) -> list[str]:
        return [p.format(self.draft.source) for p in self.problems]

    def raise_for_errors(self) -> None:
        if self.errors:
            head = "; ".join(p.format(self.draft.source) for p in self.errors[:5])
            more = f" (and {len(self.errors) - 5} more)" if len(self.errors) > 5 else ""
            raise ValidationError(f"draft breaks {len(self.errors)} rule(s): {head}{more}",
                                  list(self.errors))


def validate(draft: Draft, directory: Directory, today: date | None = None) -> Report:
    """Run every rule; problems sorted by line, then rule."""
    check = Check(draft, directory, today or datetime.now(UTC).date())
    found: list[Problem] = []
    for r in RULES:
        found.extend(r.check(check))
    found.sort(key=lambda p: (p.line if p.line is not None else 0, _rule_no(p.rule)))
    return Report(draft, tuple(found))


def _rule_no(rule_id: str) -> int:
    digits = "".join(ch for ch in rule_id if ch.isdigit())
    return int(digits) if digits else 0
