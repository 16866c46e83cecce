-- How far each scheduled report has got: the end of the last window it
-- mailed, so that the next report starts there (across restarts).
CREATE TABLE report_windows (
	schedule TEXT PRIMARY KEY,
	last_to  BIGINT NOT NULL    -- Unix microseconds, UTC
);
