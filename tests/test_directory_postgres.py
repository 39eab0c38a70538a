"""Messaging's tables on a PostgreSQL archive: directory, validation, counters, drafts.

The queue is the SQLite transport's (or NATS'); everything else messaging
keeps is portable SQL through the archive's Db handle.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from test_archive_factory import pg_database
from test_messaging_draft import DRAFT, TODAY, draft

from cablegram.archive import open_archive
from cablegram.messaging import numbering as num
from cablegram.messaging.directory import Directory
from cablegram.messaging.draft import read_draft
from cablegram.messaging.release import get_draft, save_draft
from cablegram.messaging.validate import validate

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    try:
        yield from pg_database()
    except Exception as exc:  # no server: say so rather than fail
        pytest.skip(f"PostgreSQL not available: {exc}")


def test_messaging_tables_on_postgresql(pg_url: str) -> None:
    with open_archive(pg_url) as archive:
        db = archive.db
        directory = Directory(db)
        assert directory.require("RUEHNY").pla == "AMEMBASSY OSLO"
        assert len(directory.members("ALL NATO POST COLLECTIVE")) == 26
        assert Directory(db).seed() == 0  # seeding twice adds nothing
        assert validate(read_draft(DRAFT), directory, TODAY).ok
        bad = validate(read_draft(draft(**{"TAGS: MOPS PREL NATO NO": "TAGS: NO"})),
                       directory, TODAY)
        assert [(p.rule, p.line) for p in bad.errors] == [("M14", 13)]
        with db.transaction():
            assert num.next_values(db, "mcn:A:B", 3) == (1, 3)
            assert num.next_values(db, "mcn:A:B") == (4, 4)
        first, second = save_draft(db, DRAFT), save_draft(db, DRAFT)
        assert second == first + 1 and get_draft(db, first)[1] == "draft"
