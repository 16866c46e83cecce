package sdloen

import (
	"context"
	"errors"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"github.com/orgsync/orgsync/connectors"
)

// Connector reads SD Løn's web service. It implements connectors.Payroll
// and connectors.PayrollChangeReader, and is safe for concurrent use.
type Connector struct {
	s      *settings
	client *client
	closed atomic.Bool

	mu    sync.Mutex
	cache []cached // the states the last tokens name, newest last
}

// Compile-time checks that the connector has what it claims.
var (
	_ connectors.Payroll             = (*Connector)(nil)
	_ connectors.PayrollChangeReader = (*Connector)(nil)
)

// Open validates cfg and returns a connector. It does not call SD: Ping
// does.
func Open(cfg Config) (*Connector, error) {
	s, err := cfg.settings()
	if err != nil {
		return nil, err
	}
	s.log = s.log.With("connector", "sdloen", "institution", s.institution)
	return &Connector{s: s, client: newClient(s)}, nil
}

var errClosed = errors.New("the connector is closed")

// Close makes every later call fail and closes idle connections. It
// always returns nil.
func (c *Connector) Close() error {
	c.closed.Store(true)
	c.client.http.CloseIdleConnections()
	c.mu.Lock()
	c.cache = nil
	c.mu.Unlock()
	return nil
}

// begin checks what every call checks first.
func (c *Connector) begin(ctx context.Context, op string) error {
	if c.closed.Load() {
		return &connectors.Error{Kind: connectors.Invalid, Op: op, Err: errClosed}
	}
	if ctx.Err() != nil {
		return connectors.ContextError(ctx, op, "")
	}
	return nil
}

// Ping asks SD for the org tree of today (GetOrganization20111201, a
// small answer): it fails as a read would, Configuration for a wrong
// user, password, institution or certificate, Transient when SD cannot
// be reached.
func (c *Connector) Ping(ctx context.Context) error {
	const op = "ping"
	if err := c.begin(ctx, op); err != nil {
		return err
	}
	today := requestDate(c.s.zone.Date(c.s.now()))
	var a organizationAnswer
	return c.client.get(ctx, opOrganization, url.Values{"ActivationDate": {today}, "DeactivationDate": {today}, "UUIDIndicator": {"false"}}, &a)
}

// Snapshot reads the whole payroll: the org tree and its history
// (GetOrganization20111201, GetDepartment20111201), the persons
// (GetPerson20111201) and their employments (GetEmployment20111201) as
// of today. Malformed records are left out and listed in Skipped. The
// token is the moment before the reads began, so that a change
// registered while they ran is read again by Changes, not lost.
//
// SD has no transaction across the four calls, so a snapshot taken while
// SD registers changes may hold some records as they were before and
// some as they are after (each record whole; an employment whose person
// or unit the other call did not return is left out into Skipped).
// Changes from its token, or the next Snapshot, brings it up to date.
func (c *Connector) Snapshot(ctx context.Context) (*connectors.PayrollSnapshot, error) {
	const op = "snapshot"
	if err := c.begin(ctx, op); err != nil {
		return nil, err
	}
	now := c.s.now()
	st, err := c.read(ctx, now)
	if err != nil {
		return nil, err
	}
	snap := clone(st.snap)
	snap.Token = c.remember(cursorOf(now, c.s.zone.Location()), st)
	c.s.log.Info("read SD", "units", len(snap.Units), "persons", len(snap.Persons), "engagements", len(snap.Engagements),
		"leaves", len(snap.Leaves), "skipped", len(snap.Skipped), "took", time.Since(now).Round(time.Millisecond))
	return snap, nil
}

// read asks SD for the whole payroll as of now's day.
func (c *Connector) read(ctx context.Context, now time.Time) (*state, error) {
	a, err := c.fetchAll(ctx, c.s.zone.Date(now))
	if err != nil {
		return nil, err
	}
	return c.build(a), nil
}

// clone returns a copy of s that shares no array with it.
func clone(s *connectors.PayrollSnapshot) *connectors.PayrollSnapshot {
	return &connectors.PayrollSnapshot{
		Units:       append([]connectors.PayrollUnit(nil), s.Units...),
		Persons:     append([]connectors.PayrollPerson(nil), s.Persons...),
		Engagements: append([]connectors.PayrollEngagement(nil), s.Engagements...),
		Leaves:      append([]connectors.PayrollLeave(nil), s.Leaves...),
		Token:       s.Token,
		Skipped:     append([]connectors.SkippedRecord(nil), s.Skipped...),
	}
}
