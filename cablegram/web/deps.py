"""Request dependencies: the archive, and the ONE place a request's principal comes from.

Every page and API route reads through ``get_principal``; nothing else decides
who is asking. Until the access engineer's ``cablegram.web.auth`` answers
(sessions and Bearer tokens), the rule is:

* an app created with ``open_access=True`` (``cablegram serve --open``, a
  personal archive on localhost) treats every request as the archive owner;
* otherwise every request is the public principal, which sees only what
  ``may_read`` lets the public see.

When ``cablegram.web.auth`` provides ``principal_from_request(request)``
returning a Principal or None, it is asked first.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request

from cablegram.access.principal import Principal
from cablegram.archive.api import Archive

try:  # the access engineer's session/token lookup, when it exists
    from cablegram.web.auth import principal_from_request as _auth_lookup
except ImportError:  # not written yet, or no such function
    _auth_lookup = None


def get_archive(request: Request) -> Archive:
    archive: Archive = request.app.state.archive
    return archive


def get_principal(request: Request) -> Principal:
    """Who is asking (see the module docstring for the rule)."""
    if _auth_lookup is not None:
        found: Any = _auth_lookup(request)
        if isinstance(found, Principal):
            return found
    if getattr(request.app.state, "open_access", False):
        return Principal.archive_owner()
    return Principal.public()
