"""The one exception tree of cablegram.

Every error a user can meet is a subclass of :class:`CablegramError`, carries a
message that says what went wrong and what to do, and maps to a process exit
code in the command line::

    CablegramError                      exit 1
    ├── FormatError                     exit 65 (EX_DATAERR)  bad cable input
    │   └── RuleError                   a named rule of docs/cable-format.md broken
    ├── QueryError                      exit 64 (EX_USAGE)    a search query that cannot be read
    ├── NotFound                        exit 66 (EX_NOINPUT)  no such cable (or not visible to you)
    ├── ArchiveError                    exit 74 (EX_IOERR)    the store or the index failed
    ├── AccessDenied                    exit 77 (EX_NOPERM)   an action the principal may not take
    ├── AuthError                       exit 77               bad credentials
    ├── ValidationError                 exit 65               a draft breaks validation rules
    └── MessagingError                  exit 75 (EX_TEMPFAIL) routing and delivery

Where a principal may not *read* something, code raises :class:`NotFound`, never
:class:`AccessDenied`: what you may not see answers exactly like what does not
exist (access control issue, point 3).
"""

from __future__ import annotations


class CablegramError(Exception):
    """Base class of every error cablegram raises on purpose."""

    exit_code: int = 1


class FormatError(CablegramError):
    """Input that is not a cable in any readable form."""

    exit_code = 65

    def __init__(self, message: str, *, source: str | None = None, line: int | None = None,
                 rule: str | None = None) -> None:
        self.source = source
        self.line = line
        self.rule = rule
        where = ""
        if source:
            where += f"{source}"
        if line is not None:
            where += f":{line}" if where else f"line {line}"
        prefix = f"{where}: " if where else ""
        suffix = f" [rule {rule}]" if rule else ""
        super().__init__(f"{prefix}{message}{suffix}")
        self.message = message


class RuleError(FormatError):
    """A reader in strict mode met input that breaks a numbered format rule."""


class QueryError(CablegramError):
    """A search query that cannot be understood; the message says what is wrong."""

    exit_code = 64


class NotFound(CablegramError):
    """No such record, or one the principal may not see (the two are indistinguishable)."""

    exit_code = 66


class ArchiveError(CablegramError):
    """The store or the search index could not do what was asked."""

    exit_code = 74


class AccessDenied(CablegramError):
    """The principal may not perform this action (never used to hide a record)."""

    exit_code = 77


class AuthError(CablegramError):
    """Authentication failed: unknown user, wrong password or token."""

    exit_code = 77


class ValidationError(CablegramError):
    """A draft cable breaks one or more validation rules."""

    exit_code = 65

    def __init__(self, message: str, problems: list[object] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


class MessagingError(CablegramError):
    """Routing, queueing or delivery failed."""

    exit_code = 75
