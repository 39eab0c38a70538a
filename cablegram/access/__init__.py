"""Who may see what: principals, the pure decision core, users, audit."""

from cablegram.access.principal import (
    Decision,
    Principal,
    decide,
    decide_paragraph,
    decide_partial,
    may_read,
    portion_floor,
)

__all__ = ["Decision", "Principal", "decide", "decide_paragraph", "decide_partial", "may_read",
           "portion_floor"]
