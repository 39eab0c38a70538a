"""Who may see what: principals, the pure decision core, users, audit."""

from cablegram.access.principal import Decision, Principal, may_read

__all__ = ["Decision", "Principal", "may_read"]
