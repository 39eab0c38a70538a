"""Users, grants, passwords, tokens and resolve_principal (access control issue, point 1)."""

from __future__ import annotations

import pytest

from cablegram.access.passwords import hash_password, verify_password
from cablegram.access.principal import Principal
from cablegram.access.users import (
    add_user,
    authenticate,
    create_token,
    get_user,
    grant,
    list_tokens,
    list_users,
    principal_for_token,
    remove_user,
    resolve_principal,
    revoke,
    revoke_token,
)
from cablegram.errors import AuthError, CablegramError, NotFound, QueryError
from cablegram.model import Level


@pytest.fixture(autouse=True)
def _cheap_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CABLEGRAM_ARGON2_CHEAP", "1")


def test_add_and_resolve(tiny_db: object) -> None:
    add_user(tiny_db, "alice", "SECRET", caveats=["noforn", "NODIS"],
             posts=["amembassy  oslo"], releaser_for=["AMEMBASSY OSLO"])
    p = resolve_principal(tiny_db, "alice")
    assert p == Principal(name="alice", clearance=Level.SECRET,
                          caveats=frozenset({"NOFORN", "NODIS"}),
                          posts=frozenset({"AMEMBASSY OSLO"}),
                          releaser_for=frozenset({"AMEMBASSY OSLO"}))


def test_resolve_reserved_names(tiny_db: object) -> None:
    assert resolve_principal(tiny_db, "public") == Principal.public()
    assert resolve_principal(tiny_db, None).owner
    assert resolve_principal(tiny_db, "owner").owner
    with pytest.raises(NotFound, match="no user 'bob'"):
        resolve_principal(tiny_db, "bob")
    with pytest.raises(CablegramError, match="reserved"):
        add_user(tiny_db, "public", "SECRET")


def test_bad_input_is_named(tiny_db: object) -> None:
    with pytest.raises(QueryError, match="'SUPERSECRET' is not a level"):
        add_user(tiny_db, "carol", "SUPERSECRET")
    with pytest.raises(QueryError, match="user name"):
        add_user(tiny_db, "no spaces", "SECRET")
    add_user(tiny_db, "carol", "CONFIDENTIAL")
    with pytest.raises(CablegramError, match="already exists"):
        add_user(tiny_db, "carol", "SECRET")


def test_grant_revoke_remove(tiny_db: object) -> None:
    add_user(tiny_db, "dan", "CONFIDENTIAL")
    u = grant(tiny_db, "dan", caveats=["NF"], posts=["RUEHNY"], clearance="TOP SECRET")
    assert u.clearance is Level.TOP_SECRET and u.caveats == {"NOFORN"} and u.posts == {"RUEHNY"}
    u = grant(tiny_db, "dan", caveats=["NOFORN"])  # granting twice is harmless
    assert u.caveats == {"NOFORN"}
    u = revoke(tiny_db, "dan", posts=["ruehny"])
    assert u.posts == frozenset()
    with pytest.raises(CablegramError, match="does not hold: post RUEHNY"):
        revoke(tiny_db, "dan", posts=["RUEHNY"])
    assert [x.name for x in list_users(tiny_db)] == ["dan"]
    remove_user(tiny_db, "dan")
    assert list_users(tiny_db) == []
    with pytest.raises(NotFound):
        get_user(tiny_db, "dan")


def test_passwords(tiny_db: object) -> None:
    add_user(tiny_db, "erin", "SECRET", password="correct horse")
    assert authenticate(tiny_db, "erin", "correct horse").clearance is Level.SECRET
    with pytest.raises(AuthError, match="unknown user or wrong password"):
        authenticate(tiny_db, "erin", "wrong")
    with pytest.raises(AuthError, match="unknown user or wrong password"):
        authenticate(tiny_db, "nobody", "correct horse")
    stored = tiny_db.query("SELECT password_hash FROM access_users")[0][0]  # type: ignore[attr-defined]
    assert stored.startswith("$argon2id$") and "correct horse" not in stored


def test_password_hash_profiles_interoperate() -> None:
    h = hash_password("pw", cheap=True)
    assert verify_password(h, "pw", cheap=False)
    assert not verify_password(h, "px", cheap=True)
    assert not verify_password(None, "pw", cheap=True)


def test_tokens_store_only_a_hash(tiny_db: object) -> None:
    add_user(tiny_db, "fay", "CONFIDENTIAL")
    token = create_token(tiny_db, "fay", label="laptop")
    assert principal_for_token(tiny_db, token).name == "fay"
    dump = "\n".join(tiny_db.conn.iterdump())  # type: ignore[attr-defined]
    assert token not in dump and token[4:] not in dump
    [info] = list_tokens(tiny_db, "fay")
    assert info["label"] == "laptop"
    revoke_token(tiny_db, info["id"])
    with pytest.raises(AuthError):
        principal_for_token(tiny_db, token)
    with pytest.raises(AuthError):
        principal_for_token(tiny_db, "cgt_guessed")
