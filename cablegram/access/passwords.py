"""Password hashing with argon2id (access control issue, point 2).

Production parameters are argon2-cffi's defaults (RFC 9106 low-memory
profile). Tests set ``CABLEGRAM_ARGON2_CHEAP=1`` (or pass ``cheap=True``) so
that hashing takes microseconds instead of tens of milliseconds; a hash made
with either profile verifies under both, because argon2 encodes its
parameters in the hash itself.
"""

from __future__ import annotations

import contextlib
import os

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_CHEAP_ENV = "CABLEGRAM_ARGON2_CHEAP"

_STRONG = PasswordHasher()
# Deliberately weak: only for tests, where hundreds of users are hashed.
_CHEAP = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1, hash_len=16, salt_len=8)

# A real hash of a random password: verifying unknown users against it makes a
# failed login for a missing user take as long as one for a wrong password.
_DUMMY_HASH: dict[bool, str] = {}


def _hasher(cheap: bool | None) -> PasswordHasher:
    if cheap is None:
        cheap = os.environ.get(_CHEAP_ENV, "") not in ("", "0")
    return _CHEAP if cheap else _STRONG


def hash_password(password: str, *, cheap: bool | None = None) -> str:
    """An argon2id hash of ``password`` (its salt and parameters included)."""
    if not password:
        raise ValueError("a password may not be empty")
    return _hasher(cheap).hash(password)


def verify_password(stored: str | None, password: str, *, cheap: bool | None = None) -> bool:
    """True when ``password`` matches ``stored``; a missing hash never matches.

    A missing hash still costs one verification, so that timing does not tell
    an unknown user from a wrong password.
    """
    h = _hasher(cheap)
    if stored is None:
        key = h is _CHEAP
        if key not in _DUMMY_HASH:
            _DUMMY_HASH[key] = h.hash("not a password of anyone")
        stored, password = _DUMMY_HASH[key], password + "\x00never"
        with contextlib.suppress(VerificationError, InvalidHashError):
            h.verify(stored, password)
        return False
    try:
        return h.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str, *, cheap: bool | None = None) -> bool:
    return _hasher(cheap).check_needs_rehash(stored)
