-- The first schema: the org model's log, its events and cursors, the
-- national-id lookup, adsync's links and change-feed tokens.

CREATE TABLE orgsync_meta (
	name  TEXT PRIMARY KEY,
	value TEXT NOT NULL
);

-- One row per orgmodel.Commit, numbered from 1 in the order committed.
CREATE TABLE model_commits (
	seq           BIGINT PRIMARY KEY,
	registration  BIGINT UNIQUE,        -- Registration.Seq; NULL for scheduled events only
	registered_at TEXT,                 -- Registration.Time, RFC 3339 in UTC
	actor         TEXT,
	note          TEXT,
	scheduled     BIGINT NOT NULL,      -- Commit.Scheduled (timeline.Date), 0 if not moved
	last_event    BIGINT NOT NULL,      -- the Seq of the last event stored after this commit
	versions      BYTEA NOT NULL        -- the versions, encoded (codec.go)
);

-- The events, in chunks of up to 256 (a row per event would cost a
-- commit of a thousand changes a thousand rows): each chunk holds
-- consecutive events of one commit, encoded (codec.go).
CREATE TABLE model_events (
	first_seq  BIGINT PRIMARY KEY,  -- the Seq of the chunk's first event
	last_seq   BIGINT NOT NULL,     -- and of its last
	commit_seq BIGINT NOT NULL REFERENCES model_commits (seq),
	events     BYTEA NOT NULL
);
CREATE UNIQUE INDEX model_events_last_seq ON model_events (last_seq);

-- The blobs are compact and mostly random (ids, sealed national ids):
-- compressing them costs more than it saves.
ALTER TABLE model_commits ALTER COLUMN versions SET STORAGE EXTERNAL;
ALTER TABLE model_events ALTER COLUMN events SET STORAGE EXTERNAL;

CREATE TABLE model_cursors (
	name TEXT PRIMARY KEY,
	pos  BIGINT NOT NULL
);

-- Persons by the keyed hash of a national id they held in some version.
CREATE TABLE model_national_ids (
	lookup BYTEA NOT NULL,
	person BYTEA NOT NULL,
	PRIMARY KEY (lookup, person)
);

CREATE TABLE adsync_links (
	directory TEXT NOT NULL,
	person    BYTEA NOT NULL,
	account   TEXT NOT NULL,
	dn        TEXT NOT NULL,
	PRIMARY KEY (directory, person),
	UNIQUE (directory, account)
);

CREATE TABLE adsync_tokens (
	directory TEXT PRIMARY KEY,
	token     TEXT NOT NULL
);
