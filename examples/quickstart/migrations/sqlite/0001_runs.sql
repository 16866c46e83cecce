-- The quickstart's own state in the deployment's database (it is a
-- module like the mail outbox or boarding, with a schema of its own):
-- the runs it made, and the in-memory twin's contents when it runs
-- without a domain controller.
CREATE TABLE quickstart_runs (
	run         INTEGER PRIMARY KEY,
	persons     INTEGER NOT NULL,  -- the synthetic municipality's size
	seed        BIGINT NOT NULL,   -- and seed: a later run must use the same
	day         TEXT NOT NULL,     -- the last day the run lived, YYYY-MM-DD
	clock       TEXT NOT NULL,     -- its clock when it stopped, RFC 3339
	directory   TEXT NOT NULL      -- which directory it ran against
);

CREATE TABLE quickstart_twin (
	id       INTEGER PRIMARY KEY CHECK (id = 1),
	snapshot BLOB NOT NULL        -- connectors/inmem's Snapshot
);
