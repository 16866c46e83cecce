-- Equipment assets: one row per asset, the asset itself as JSON, and the
-- columns the queries select on. A serial is unique within its kind;
-- kind and serial use the "C" collation so that they are ordered byte by
-- byte, as Go and SQLite do, whatever the database's locale.
CREATE TABLE inventory_assets (
	n       BIGSERIAL PRIMARY KEY,
	id      TEXT NOT NULL UNIQUE,
	kind    TEXT COLLATE "C" NOT NULL,
	serial  TEXT COLLATE "C" NOT NULL,
	status  TEXT NOT NULL,
	holder  TEXT NOT NULL,          -- the nil UUID while not deployed
	unit    TEXT NOT NULL,          -- likewise
	version INTEGER NOT NULL,       -- for optimistic updates
	body    BYTEA NOT NULL,         -- the inventory.Asset as JSON
	UNIQUE (kind, serial)
);
CREATE INDEX inventory_assets_status ON inventory_assets (status, kind, serial);
CREATE INDEX inventory_assets_holder ON inventory_assets (holder);

-- The history: append-only, one row per change.
CREATE TABLE inventory_history (
	seq      BIGSERIAL PRIMARY KEY,
	asset_id TEXT NOT NULL,
	at       BIGINT NOT NULL,       -- Unix microseconds, UTC
	entry    BYTEA NOT NULL         -- the inventory.Entry as JSON
);
CREATE INDEX inventory_history_asset ON inventory_history (asset_id, seq);
