-- Boarding orders: one row per order, the order itself as JSON, and the
-- columns the queries select on. n keeps the order of creation.
CREATE TABLE boarding_orders (
	n       INTEGER PRIMARY KEY AUTOINCREMENT,
	id      TEXT NOT NULL UNIQUE,
	key     TEXT NOT NULL UNIQUE,   -- the orderer's idempotency key
	kind    TEXT NOT NULL,
	state   TEXT NOT NULL,
	person  TEXT NOT NULL,          -- the nil UUID while a pending hire is not in the org model
	unit    TEXT NOT NULL,
	version INTEGER NOT NULL,       -- for optimistic updates
	body    BLOB NOT NULL           -- the boarding.Order as JSON
);
CREATE INDEX boarding_orders_state ON boarding_orders (state);
CREATE INDEX boarding_orders_person ON boarding_orders (person);

-- The audit log: append-only, one row per transition.
CREATE TABLE boarding_audit (
	seq      INTEGER PRIMARY KEY AUTOINCREMENT,
	order_id TEXT NOT NULL,
	at       INTEGER NOT NULL,      -- Unix microseconds, UTC
	entry    BLOB NOT NULL          -- the boarding.AuditEntry as JSON
);
CREATE INDEX boarding_audit_order ON boarding_audit (order_id, seq);
