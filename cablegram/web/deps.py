"""Request dependencies: the archive, and the ONE place a request's principal comes from.

Every page and API route reads through ``get_principal``; nothing else decides
who is asking. Until the access engineer's ``cablegram.web.auth`` answers
(sessions and Bearer tokens), the rule is:

* an app created with ``open_access=True`` (``cablegram serve --open``, a
  personal archive on localhost) treats every request as the archive owner;
* otherwise every request is the public principal, which sees only what
  ``may_read`` lets the public see.

``cablegram.web.auth.principal_from_request(request)`` is asked first: a
valid Bearer token or session names a user's principal; a bad token is a 401.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request

from cablegram.access.principal import Principal
from cablegram.archive.api import Archive

try:  # the access engineer's session/token lookup (needs the "auth" extra)
    from cablegram.web import auth as _auth
except ImportError:  # pragma: no cover - installed without argon2-cffi
    _auth = None  # type: ignore[assignment]

AUTH_AVAILABLE = _auth is not None


def get_archive(request: Request) -> Archive:
    archive: Archive = request.app.state.archive
    return archive


def get_principal(request: Request) -> Principal:
    """Who is asking (see the module docstring for the rule)."""
    if _auth is not None:
        found: Any = _auth.principal_from_request(request)
        if isinstance(found, Principal):
            return found
    if getattr(request.app.state, "open_access", False):
        return Principal.archive_owner()
    return Principal.public()
