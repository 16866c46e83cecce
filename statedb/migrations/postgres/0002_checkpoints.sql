-- Checkpoints: the registrations of a run of commits, compacted into one
-- row without their events, so that opening the model reads a few rows
-- instead of one per commit. Segments cover commits first..last, without
-- gaps, from commit 1 on.
CREATE TABLE model_checkpoints (
	first_commit BIGINT PRIMARY KEY,
	last_commit  BIGINT NOT NULL,
	data         BYTEA NOT NULL
);

-- The HA lease: the host that holds it leads; every write checks, in its
-- own transaction, that the lease is still this host's (epoch fencing).
CREATE TABLE orgsync_lease (
	id         INTEGER PRIMARY KEY CHECK (id = 1),
	holder     TEXT NOT NULL,
	epoch      BIGINT NOT NULL,
	expires_at TIMESTAMPTZ NOT NULL
);
