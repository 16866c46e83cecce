-- Equipment assets: one row per asset, the asset itself as JSON, and the
-- columns the queries select on. A serial is unique within its kind;
-- SQLite's BINARY collation orders them byte by byte, as Go does.
CREATE TABLE inventory_assets (
	n       INTEGER PRIMARY KEY AUTOINCREMENT,
	id      TEXT NOT NULL UNIQUE,
	kind    TEXT NOT NULL,
	serial  TEXT NOT NULL,
	status  TEXT NOT NULL,
	holder  TEXT NOT NULL,          -- the nil UUID while not deployed
	unit    TEXT NOT NULL,          -- likewise
	version INTEGER NOT NULL,       -- for optimistic updates
	body    BLOB NOT NULL,          -- the inventory.Asset as JSON
	UNIQUE (kind, serial)
);
CREATE INDEX inventory_assets_status ON inventory_assets (status, kind, serial);
CREATE INDEX inventory_assets_holder ON inventory_assets (holder);

-- The history: append-only, one row per change.
CREATE TABLE inventory_history (
	seq      INTEGER PRIMARY KEY AUTOINCREMENT,
	asset_id TEXT NOT NULL,
	at       INTEGER NOT NULL,      -- Unix microseconds, UTC
	entry    BLOB NOT NULL          -- the inventory.Entry as JSON
);
CREATE INDEX inventory_history_asset ON inventory_history (asset_id, seq);
