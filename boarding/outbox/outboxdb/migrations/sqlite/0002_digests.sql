-- Notices held for digests: one row per notice key, kept after its digest
-- is released so that a notice offered again is not held twice.
CREATE TABLE outbox_held (
	key       TEXT PRIMARY KEY,
	grp       TEXT NOT NULL,     -- the digest group
	held_at   INTEGER NOT NULL,    -- Unix microseconds, UTC
	due       INTEGER NOT NULL,
	released  INTEGER,             -- when its digest was queued; NULL while held
	message   BLOB NOT NULL        -- the notice as a connectors.Message in JSON
);
CREATE INDEX outbox_held_ready ON outbox_held (grp, due) WHERE released IS NULL;
