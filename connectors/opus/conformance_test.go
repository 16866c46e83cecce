package opus_test

import (
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/connectors/connectortest"
	"github.com/orgsync/orgsync/connectors/opus"
)

// kitEpoch is the time of the first dump the suite's publishes write. It
// is before every row of the suite's data, so that a record a publish
// leaves out had not begun by the dump's day, and is gone rather than
// ended: the suite's deletions are deletions.
var kitEpoch = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)

// The connector passes the Payroll conformance suite, manager roles
// included: each Publish is the next dump in the folder.
func TestConformance(t *testing.T) {
	connectortest.TestPayroll(t, func(t *testing.T) connectortest.PayrollFixture {
		dir := t.TempDir()
		c, err := opus.Open(opus.Config{Dir: dir}, opus.Options{Logger: slog.New(slog.DiscardHandler)})
		require.NoError(t, err)
		t.Cleanup(func() { c.Close() })
		at := kitEpoch
		return connectortest.PayrollFixture{
			Payroll: c,
			// OPUS holds a manager role only as isManager on an
			// employee: the kit's other roles do not come back.
			Project: opus.Held,
			Publish: func(s *connectors.PayrollSnapshot) error {
				at = at.Add(time.Second)
				_, err := opus.Write(dir, at, s)
				return err
			},
		}
	})
}
