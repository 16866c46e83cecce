-- The mail outbox: one row per message key. A key is queued once: the
-- primary key is the outbox's dedup, kept after the message is sent.
CREATE TABLE outbox_messages (
	key          TEXT PRIMARY KEY,
	state        SMALLINT NOT NULL,  -- 1 queued, 2 sent, 3 failed (outbox.State)
	attempts     INTEGER NOT NULL,
	queued_at    INTEGER NOT NULL,      -- Unix microseconds, UTC
	next_attempt INTEGER NOT NULL,
	sent_at      INTEGER,
	last_error   TEXT NOT NULL,
	message      BLOB NOT NULL      -- the connectors.Message as JSON
);
CREATE INDEX outbox_due ON outbox_messages (state, next_attempt);
