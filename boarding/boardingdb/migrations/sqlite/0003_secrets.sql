-- One-time secrets (an initial password behind its link): sealed with a
-- key only the link's token gives, stored under the token's hash, and
-- deleted when taken, so a secret is shown once and the table holds
-- nothing anyone can read.
CREATE TABLE boarding_secrets (
	id      BLOB PRIMARY KEY,    -- SHA-256 of the link's token
	sealed  BLOB NOT NULL,       -- AES-256-GCM under a key derived from the token
	expires BIGINT NOT NULL     -- Unix microseconds, UTC
);
CREATE INDEX boarding_secrets_expires ON boarding_secrets (expires);
