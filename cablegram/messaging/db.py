"""Opening the database messaging keeps its tables in (rule: one archive file).

Messaging keeps drafts, counters, queues and inboxes in the archive's own
database, through the archive's :class:`~cablegram.archive.api.Db` handle.
Where no archive is at hand (a bare database file, and the relay's hot loop) it
opens the file with the archive's own SQLite handle: WAL, so that a relay killed
at any moment loses nothing that was committed, and ``BEGIN IMMEDIATE``
transactions that nest.
"""

from __future__ import annotations

from cablegram.archive.db import SqliteDb

__all__ = ["SqliteDb"]
