package service

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/orgsync/orgsync/adsync"
	"github.com/orgsync/orgsync/boarding"
	"github.com/orgsync/orgsync/boarding/report"
	"github.com/orgsync/orgsync/chapel"
	"github.com/orgsync/orgsync/orgmodel/rules"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// The questions the API and the pages ask of the service. Each reads and
// writes nothing: a plan shows what would be done.

// ErrNotConfigured is a question about a part the configuration leaves
// out (the chapel, the org rules, boarding, mail).
var ErrNotConfigured = errors.New("service: that part is not configured")

// planReuse is how long a plan answers further requests for the same
// org model registration: a plan reads every account in AD, and many
// people opening the plan page at once must not each make one.
const planReuse = 5 * time.Second

// planCache makes one plan at a time and shares it.
type planCache struct {
	turn chan struct{} // holds a token while a plan is made: the others wait
	mu   sync.Mutex
	plan *adsync.RunPlan
	at   time.Time
}

// Plan returns what a reconciliation would do now. Requests that come
// while one is being made wait for it and share it, and a plan made less
// than planReuse ago for the model's latest registration is answered
// again; the reconcile itself always plans afresh.
func (s *Service) Plan(ctx context.Context) (*adsync.RunPlan, error) {
	c := &s.plans
	select {
	case c.turn <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-c.turn }()
	now := time.Now()
	c.mu.Lock()
	p, at := c.plan, c.at
	c.mu.Unlock()
	if p != nil && now.Sub(at) < planReuse && p.Registration == s.model.Latest().Registration().Seq {
		return p, nil
	}
	p, err := s.rec.Plan(ctx)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.plan, c.at = p, now
	c.mu.Unlock()
	return p, nil
}

// ChapelPlan returns every account in the chapel's scope with what the
// chapel would do with it now.
func (s *Service) ChapelPlan(ctx context.Context) (*chapel.Plan, error) {
	if s.rec.Chapel == nil {
		return nil, fmt.Errorf("%w: the chapel", ErrNotConfigured)
	}
	return s.rec.Chapel.Plan(ctx, s.opts.Now())
}

// Conflicts returns what the org rules would do from today on, and the
// conflicts they leave for a person to decide.
func (s *Service) Conflicts(ctx context.Context) (*rules.Result, error) {
	if s.rules == nil {
		return nil, fmt.Errorf("%w: the org rules", ErrNotConfigured)
	}
	return s.rules.Plan(s.model.Latest(), timeline.Since(s.zone.Date(s.opts.Now())))
}

// ReportFile is a report written as a file.
type ReportFile struct {
	// Name is the file's name ("hires-2026-12-01-2026-12-08.xlsx").
	Name string
	// ContentType is its MIME type.
	ContentType string
	// Data is the file.
	Data []byte
	// Rows counts its rows.
	Rows int
}

// Report runs the hire, termination or change report over the
// registrations of [from, to) and writes it in the format (csv, xlsx or
// json). A bad report, format or window is a *report.QueryError.
func (s *Service) Report(ctx context.Context, kind report.Report, from, to time.Time, format report.Format, filter report.Filter) (*ReportFile, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	res, err := report.Run(s.model, report.Query{Report: kind, From: from, To: to, Filter: filter})
	if err != nil {
		return nil, err
	}
	t, err := report.NewTable(report.DefaultColumns(kind), s.zone)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	f := &ReportFile{Rows: len(res.Rows)}
	switch format {
	case report.CSV:
		err, f.ContentType = report.WriteCSV(&b, t, res.Rows), "text/csv; charset=utf-8"
	case report.XLSX:
		err, f.ContentType = report.WriteXLSX(&b, t, res.Rows, string(kind)), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	case report.JSON:
		err, f.ContentType = report.WriteJSON(&b, t, res.Rows), "application/x-ndjson; charset=utf-8"
	default:
		return nil, &report.QueryError{Field: "format", Problem: fmt.Sprintf("%q: use csv, xlsx or json", format)}
	}
	if err != nil {
		return nil, err
	}
	day := func(t time.Time) string { return s.zone.Date(t).String() }
	f.Name = fmt.Sprintf("%s-%s-%s.%s", kind, day(from), day(to), format)
	f.Data = b.Bytes()
	return f, nil
}

// LinkSigner returns the signer of the task mails' links (nil without a
// link key): the confirm page checks a link's token with it.
func (s *Service) LinkSigner() *boarding.Signer {
	if s.dispatcher == nil {
		return nil
	}
	return s.dispatcher.Signer
}

// Secrets returns the one-time secrets (the initial passwords' links),
// or nil where they are not kept.
func (s *Service) Secrets() *boarding.Secrets {
	if s.dispatcher == nil {
		return nil
	}
	return s.dispatcher.Secrets
}

// Zone returns the organisation's time zone.
func (s *Service) Zone() timeline.Zone { return s.zone }

// Now returns the service's clock's time.
func (s *Service) Now() time.Time { return s.opts.Now() }

// Running says whether Run runs, and leading whether this host leads
// (runs the jobs) rather than standing by for another.
func (s *Service) Running() (running, leading bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ready, s.leading
}
