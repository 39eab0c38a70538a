-- The cablegram archive, SQLite form (schema version 2). Documented in docs/archive.md.
-- One row per version of a cable; the JSON form (cablegram.formats.jsonform) is the
-- record, the other columns are copies of its fields that queries filter on, so that
-- the access rule (cablegram.access.principal.may_read) can sit inside every WHERE.

CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS cables (
    -- Small columns first: SQLite keeps long values in overflow pages, and a
    -- scan that reads only the columns before them never touches those pages.
    id              INTEGER PRIMARY KEY,          -- row id, assigned in ingest order
    reference_id    TEXT    NOT NULL,             -- canonical id (T2): 07OSLO525
    version         INTEGER NOT NULL,             -- 1, 2, ... per reference id
    current         INTEGER NOT NULL,             -- 1 on the newest version, else 0
    content_hash    TEXT    NOT NULL,             -- sha256 hex of raw
    level           INTEGER NOT NULL,             -- 0 U, 1 SBU, 2 C, 3 S, 4 TS (C1)
    classification  TEXT    NOT NULL,             -- banner: SECRET//NOFORN (C2)
    caveats         TEXT    NOT NULL,             -- |NOFORN|SIPDIS| (delimited for matching)
    declassify_on   TEXT,                         -- YYYY-MM-DD (T4, C3)
    dtg             TEXT,                         -- ISO 8601 UTC (H6)
    year            INTEGER,
    origin          TEXT,
    subject         TEXT,
    source_format   TEXT    NOT NULL,
    source_path     TEXT,
    ingested_at     TEXT    NOT NULL,             -- ISO 8601 UTC
    source_metadata TEXT    NOT NULL,             -- JSON object
    raw             TEXT    NOT NULL,             -- the text exactly as read
    record          TEXT    NOT NULL,             -- JSON form without "raw" and "cleaned"
    cleaned_z       BLOB,                         -- "cleaned", zlib with raw as dictionary
    UNIQUE (reference_id, content_hash),
    UNIQUE (reference_id, version)
);
CREATE INDEX IF NOT EXISTS cables_current ON cables (current, reference_id);
CREATE INDEX IF NOT EXISTS cables_dtg ON cables (dtg);
-- Covers the access filter and the stats/facet groupings, so counts over the
-- visible current cables never read the long columns.
CREATE INDEX IF NOT EXISTS cables_visible ON cables
    (current, level, declassify_on, caveats, classification, year, origin);

-- REF entries with a cable id (T7), one row per reference of each version.
CREATE TABLE IF NOT EXISTS cable_refs (
    cable_row INTEGER NOT NULL REFERENCES cables (id),
    from_id   TEXT    NOT NULL,
    to_id     TEXT    NOT NULL,
    letter    TEXT,
    text      TEXT    NOT NULL
);
CREATE INDEX IF NOT EXISTS cable_refs_row ON cable_refs (cable_row);
CREATE INDEX IF NOT EXISTS cable_refs_to ON cable_refs (to_id);

-- Originator and addressees (H8): `to:` queries and the distribution the access rule
-- uses for NODIS/EXDIS/LIMDIS/STADIS. name and ri are upper case.
CREATE TABLE IF NOT EXISTS cable_addressees (
    cable_row INTEGER NOT NULL REFERENCES cables (id),
    role      TEXT    NOT NULL,                   -- from | to | info | xmt
    name      TEXT,
    ri        TEXT
);
CREATE INDEX IF NOT EXISTS cable_addressees_row ON cable_addressees (cable_row);
CREATE INDEX IF NOT EXISTS cable_addressees_name ON cable_addressees (name);

-- Input that could not be read as a cable, kept whole with the reason.
CREATE TABLE IF NOT EXISTS quarantine (
    id       INTEGER PRIMARY KEY,
    source   TEXT NOT NULL,
    position TEXT NOT NULL,
    reason   TEXT NOT NULL,
    raw      BLOB NOT NULL,
    raw_hash TEXT NOT NULL,
    at       TEXT NOT NULL,
    UNIQUE (source, position, raw_hash)
);

-- Every new cable or version appends a change; the search index follows it.
CREATE TABLE IF NOT EXISTS changes (
    seq          INTEGER PRIMARY KEY,
    reference_id TEXT NOT NULL
);
