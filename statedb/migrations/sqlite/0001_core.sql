-- The first schema: the org model's log, its events and cursors, the
-- national-id lookup, adsync's links and change-feed tokens.

CREATE TABLE orgsync_meta (
	name  TEXT PRIMARY KEY,
	value TEXT NOT NULL
);

-- One row per orgmodel.Commit, numbered from 1 in the order committed.
CREATE TABLE model_commits (
	seq           INTEGER PRIMARY KEY,
	registration  INTEGER UNIQUE,       -- Registration.Seq; NULL for scheduled events only
	registered_at TEXT,                 -- Registration.Time, RFC 3339 in UTC
	actor         TEXT,
	note          TEXT,
	scheduled     INTEGER NOT NULL,     -- Commit.Scheduled (timeline.Date), 0 if not moved
	last_event    INTEGER NOT NULL,     -- the Seq of the last event stored after this commit
	versions      BLOB NOT NULL         -- the versions, encoded (codec.go)
) STRICT;

-- The events, in chunks of up to 256 (a row per event would cost a
-- commit of a thousand changes a thousand rows): each chunk holds
-- consecutive events of one commit, encoded (codec.go).
CREATE TABLE model_events (
	first_seq  INTEGER PRIMARY KEY,  -- the Seq of the chunk's first event
	last_seq   INTEGER NOT NULL,     -- and of its last
	commit_seq INTEGER NOT NULL REFERENCES model_commits (seq),
	events     BLOB NOT NULL
) STRICT;
CREATE UNIQUE INDEX model_events_last_seq ON model_events (last_seq);

CREATE TABLE model_cursors (
	name TEXT PRIMARY KEY,
	pos  INTEGER NOT NULL
) STRICT;

-- Persons by the keyed hash of a national id they held in some version.
CREATE TABLE model_national_ids (
	lookup BLOB NOT NULL,
	person BLOB NOT NULL,
	PRIMARY KEY (lookup, person)
) STRICT, WITHOUT ROWID;

CREATE TABLE adsync_links (
	directory TEXT NOT NULL,
	person    BLOB NOT NULL,
	account   TEXT NOT NULL,
	dn        TEXT NOT NULL,
	PRIMARY KEY (directory, person),
	UNIQUE (directory, account)
) STRICT;

CREATE TABLE adsync_tokens (
	directory TEXT PRIMARY KEY,
	token     TEXT NOT NULL
) STRICT;
