package sdloen_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/connectors/connectortest"
	"github.com/orgsync/orgsync/connectors/sdloen"
	"github.com/orgsync/orgsync/connectors/sdloen/sdtest"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// The connector passes the payroll conformance kit against the fake SD:
// the kit's snapshots are rendered as SD holds them (sdtest.FromPayroll)
// and compared with what SD can hold of them (sdtest.Held).
func TestConformance(t *testing.T) {
	connectortest.TestPayroll(t, func(t *testing.T) connectortest.PayrollFixture {
		srv := sdtest.NewTLS("XY", "SYkit", "kodeord æøå")
		t.Cleanup(srv.Close)
		clk := &clock{t: time.Date(2026, 11, 22, 6, 30, 0, 0, time.UTC)}
		c, err := sdloen.Open(sdloen.Config{
			URL: srv.URL + "/sdws/", Institution: "XY", User: "SYkit", Password: "kodeord æøå",
			RootCAs: rootCAs(srv), Logger: discard, Now: clk.Now,
		})
		require.NoError(t, err)
		t.Cleanup(func() { c.Close() })
		today := kitToday(clk.Now())
		return connectortest.PayrollFixture{
			Payroll: c,
			Publish: func(s *connectors.PayrollSnapshot) error {
				srv.SetData(sdtest.FromPayroll(s, today))
				clk.Add(time.Minute) // a later delivery, a later registration
				return nil
			},
			Project: func(s *connectors.PayrollSnapshot) *connectors.PayrollSnapshot { return sdtest.Held(s, today) },
			Tears:   true, // four calls to SD, no transaction between them
		}
	})
}

// kitToday is the day of t in SD's zone.
func kitToday(t time.Time) timeline.Date {
	loc, err := time.LoadLocation("Europe/Copenhagen")
	if err != nil {
		panic(err)
	}
	y, m, d := t.In(loc).Date()
	return timeline.MustDate(y, m, d)
}
