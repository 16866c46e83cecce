-- Checkpoints: the registrations of a run of commits, compacted into one
-- row without their events, so that opening the model reads a few rows
-- instead of one per commit. Segments cover commits first..last, without
-- gaps, from commit 1 on.
CREATE TABLE model_checkpoints (
	first_commit INTEGER PRIMARY KEY,
	last_commit  INTEGER NOT NULL,
	data         BLOB NOT NULL
) STRICT;

-- The HA lease (PostgreSQL only; a SQLite database is single-instance,
-- but keeps the table so that both dialects have one schema).
CREATE TABLE orgsync_lease (
	id         INTEGER PRIMARY KEY CHECK (id = 1),
	holder     TEXT NOT NULL,
	epoch      INTEGER NOT NULL,
	expires_at TEXT NOT NULL
) STRICT;
