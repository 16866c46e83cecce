package payrollfile_test

import (
	"log/slog"
)

// discard is a logger that drops everything, so that tests are quiet.
var discard = slog.New(slog.DiscardHandler)
