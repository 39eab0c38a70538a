"""The SQL handles: placeholder translation for psycopg, and URL redaction."""

from __future__ import annotations

import pytest

from cablegram.archive.db import _redact, qmark_to_pyformat


def test_placeholders_outside_quotes_become_pyformat() -> None:
    assert qmark_to_pyformat("SELECT a FROM t WHERE b = ? AND c IN (?, ?)") == (
        "SELECT a FROM t WHERE b = %s AND c IN (%s, %s)")


def test_quoted_marks_stay_and_every_percent_is_doubled() -> None:
    sql = "SELECT '?', \"we?ird\" FROM t WHERE x LIKE '50%' AND y = ? AND z % 2 = 0"
    assert qmark_to_pyformat(sql) == (
        "SELECT '?', \"we?ird\" FROM t WHERE x LIKE '50%%' AND y = %s AND z %% 2 = 0")


@pytest.mark.postgres
def test_translated_sql_runs_on_postgres() -> None:
    from test_archive_factory import pg_admin

    conn = pg_admin()
    try:
        row = conn.execute(qmark_to_pyformat("SELECT 'a?%' LIKE 'a?%', ?, 7 % ?"),
                           ("x", 4)).fetchone()
        assert row == (True, "x", 3)
    finally:
        conn.close()


def test_passwords_never_reach_messages() -> None:
    assert _redact("postgresql://me:secret@db:5432/cables") == "postgresql://me@db:5432/cables"
    assert _redact("postgresql://db/cables") == "postgresql://db/cables"
