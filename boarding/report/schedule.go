package report

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// Period is how often a schedule mails its report.
type Period string

// The periods.
const (
	// Daily: every day at the schedule's hour.
	Daily Period = "daily"
	// Weekly: every Monday at the schedule's hour.
	Weekly Period = "weekly"
)

// Schedule mails a report every period: the registrations since the last
// report it mailed, up to the latest boundary (06:00 every day, or every
// Monday, in the organisation's zone), attached in its format. A host
// that was down for a while mails one report covering the whole gap, so
// no registration falls between two reports.
type Schedule struct {
	// Name names the schedule in mail keys and the ledger; it must be
	// stable (a new name starts again with one period).
	Name string `yaml:"name" json:"name"`
	// Report is which report.
	Report Report `yaml:"report" json:"report"`
	// Filter narrows its rows.
	Filter Filter `yaml:"filter" json:"filter"`
	// Columns are its columns (default DefaultColumns(Report)).
	Columns []Column `yaml:"columns" json:"columns,omitempty"`
	// Format is the attachment's format (default XLSX).
	Format Format `yaml:"format" json:"format,omitempty"`
	// Every is Daily or Weekly.
	Every Period `yaml:"every" json:"every"`
	// Hour is the hour of the boundary, 0–23 (default 6).
	Hour *int `yaml:"hour" json:"hour,omitempty"`
	// From is the sender; To the recipients.
	From connectors.Address `yaml:"from" json:"from"`
	// To are the recipients.
	To []connectors.Address `yaml:"to" json:"to"`
}

// Ledger keeps where each schedule has got to, and queues a report's
// mail in the same step as it moves on, so that a crash between the two
// neither loses a report nor mails one twice.
type Ledger interface {
	// Last returns the end of the last window the schedule's reports
	// covered, and false if it never mailed one.
	Last(ctx context.Context, schedule string) (time.Time, bool, error)
	// Advance queues msg and records that the schedule has covered up to
	// to, atomically, if its last window ended at from (the zero time:
	// it never mailed one); otherwise it fails with ErrMoved and queues
	// nothing.
	Advance(ctx context.Context, schedule string, from, to time.Time, msg connectors.Message) error
}

// ErrMoved matches an Advance whose schedule another run has moved on
// since its Last: the report was mailed by that run.
var ErrMoved = errors.New("report: the schedule has moved on since it was read")

// Scheduler mails the schedules' reports when they are due.
type Scheduler struct {
	// Model is the org model the reports read.
	Model *orgmodel.Model
	// Ledger keeps the schedules' windows and queues the mails.
	Ledger Ledger
	// Schedules are the schedules.
	Schedules []Schedule
	// Now is the clock (default time.Now).
	Now func() time.Time
	// Logger gets each report mailed and each failure; nil: none.
	Logger *slog.Logger
}

// Mailed is one report a run queued.
type Mailed struct {
	// Schedule is the schedule's name.
	Schedule string
	// From and To are the window.
	From, To time.Time
	// Rows counts its rows.
	Rows int
}

// Check checks the schedules, every problem a *QueryError naming the
// schedule, joined.
func (s *Scheduler) Check() error {
	var errs []error
	seen := map[string]bool{}
	for i, sc := range s.Schedules {
		bad := func(field, problem string) {
			errs = append(errs, &QueryError{Field: fmt.Sprintf("schedules[%d].%s", i, field), Problem: problem})
		}
		switch {
		case sc.Name == "" || len(sc.Name) > 64 || strings.ContainsAny(sc.Name, "/ \r\n\x00"):
			bad("name", "a schedule needs a name of at most 64 bytes, without '/' or spaces")
		case seen[sc.Name]:
			bad("name", "two schedules have the name "+sc.Name)
		}
		seen[sc.Name] = true
		if _, err := ParseReport(string(sc.Report)); err != nil {
			bad("report", err.(*QueryError).Problem)
		}
		if sc.Every != Daily && sc.Every != Weekly {
			bad("every", fmt.Sprintf("%q: want daily or weekly", clip(string(sc.Every))))
		}
		if sc.Hour != nil && (*sc.Hour < 0 || *sc.Hour > 23) {
			bad("hour", fmt.Sprintf("%d is not an hour of the day", *sc.Hour))
		}
		if sc.Format != "" {
			if _, err := ParseFormat(string(sc.Format)); err != nil {
				bad("format", err.(*QueryError).Problem)
			}
		}
		if len(sc.To) == 0 {
			bad("to", "a schedule needs recipients")
		}
		if _, err := NewTable(sc.Columns, s.zone()); err != nil {
			bad("columns", err.Error())
		}
		msg := connectors.Message{Key: "k", From: sc.From, To: sc.To, Subject: "s", Text: "t"}
		if err := connectors.CheckMessage(&msg); err != nil {
			bad("from", err.Error())
		}
	}
	return errors.Join(errs...)
}

func (s *Scheduler) zone() timeline.Zone { return s.Model.Zone() }

func (s *Scheduler) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Scheduler) log() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.New(slog.DiscardHandler)
}

// boundary returns the latest boundary of the schedule at or before now,
// and the one a period before it.
func (s *Scheduler) boundary(sc *Schedule, now time.Time) (prev, last time.Time) {
	loc := s.zone().Location()
	hour := 6
	if sc.Hour != nil {
		hour = *sc.Hour
	}
	n := now.In(loc)
	b := time.Date(n.Year(), n.Month(), n.Day(), hour, 0, 0, 0, loc)
	if b.After(n) {
		b = b.AddDate(0, 0, -1)
	}
	days := 1
	if sc.Every == Weekly {
		for b.Weekday() != time.Monday {
			b = b.AddDate(0, 0, -1)
		}
		days = 7
	}
	return b.AddDate(0, 0, -days), b
}

// RunDue mails every schedule whose boundary has passed since its last
// report: the report of [its last window's end, the boundary) queued in
// the outbox with the ledger moved on, in one step. A schedule another
// run has just mailed is skipped; a failing one is logged and the others
// still run; the errors are returned joined.
func (s *Scheduler) RunDue(ctx context.Context) ([]Mailed, error) {
	if err := s.Check(); err != nil {
		return nil, err
	}
	now := s.now()
	var out []Mailed
	var errs []error
	for i := range s.Schedules {
		sc := &s.Schedules[i]
		m, err := s.runOne(ctx, sc, now)
		switch {
		case errors.Is(err, ErrMoved):
			s.log().Info("report: another run mailed the schedule's report", "schedule", sc.Name)
		case err != nil:
			s.log().Error("report: a scheduled report failed", "schedule", sc.Name, "error", err)
			errs = append(errs, fmt.Errorf("report: schedule %s: %w", sc.Name, err))
		case m != nil:
			s.log().Info("report: mailed", "schedule", sc.Name, "from", m.From, "to", m.To, "rows", m.Rows)
			out = append(out, *m)
		}
	}
	return out, errors.Join(errs...)
}

func (s *Scheduler) runOne(ctx context.Context, sc *Schedule, now time.Time) (*Mailed, error) {
	prev, bound := s.boundary(sc, now)
	last, ok, err := s.Ledger.Last(ctx, sc.Name)
	if err != nil {
		return nil, err
	}
	from := prev
	if ok {
		if !last.Before(bound) {
			return nil, nil // not due
		}
		from = last
	}
	res, err := Run(s.Model, Query{Report: sc.Report, From: from, To: bound, Filter: sc.Filter})
	if err != nil {
		return nil, err
	}
	msg, err := s.message(sc, res)
	if err != nil {
		return nil, err
	}
	var since time.Time
	if ok {
		since = last
	}
	if err := s.Ledger.Advance(ctx, sc.Name, since, bound, msg); err != nil {
		return nil, err
	}
	return &Mailed{Schedule: sc.Name, From: from, To: bound, Rows: len(res.Rows)}, nil
}

// reportNames are the reports' Danish names, in subjects and file names.
var reportNames = map[Report][2]string{
	Hires:        {"Ansættelser", "ansaettelser"},
	Terminations: {"Fratrædelser", "fratraedelser"},
	Changes:      {"Ændringer i ansættelser", "aendringer"},
}

// message writes the report's mail: a short Danish text and the report
// attached. Its key is the schedule's and the window's.
func (s *Scheduler) message(sc *Schedule, res *Result) (connectors.Message, error) {
	cols := sc.Columns
	if cols == nil {
		cols = DefaultColumns(sc.Report)
	}
	t, err := NewTable(cols, s.zone())
	if err != nil {
		return connectors.Message{}, err
	}
	f := cmp.Or(sc.Format, XLSX)
	names := reportNames[sc.Report]
	var b bytes.Buffer
	if err := f.Write(&b, t, res.Rows, names[0]); err != nil {
		return connectors.Message{}, err
	}
	loc := s.zone().Location()
	from, to := res.Query.From.In(loc), res.Query.To.In(loc)
	span := from.Format("2006-01-02 15:04") + " – " + to.Format("2006-01-02 15:04")
	file := fmt.Sprintf("%s-%s-%s.%s", names[1], from.Format("20060102T1504"), to.Format("20060102T1504"), f)
	text := fmt.Sprintf("Vedhæftet er rapporten \"%s\" over registreringer fra %s til %s (%s): %d rækker.\n\n"+
		"Rapporten dækker alt, der er registreret siden den forrige rapport fra denne plan (%s), så ingen registrering falder imellem to rapporter.\n",
		names[0], from.Format("2006-01-02 15:04"), to.Format("2006-01-02 15:04"), loc, len(res.Rows), sc.Name)
	msg := connectors.Message{
		Key:         fmt.Sprintf("report/%s/%d-%d", sc.Name, res.Query.From.Unix(), res.Query.To.Unix()),
		From:        sc.From,
		To:          sc.To,
		Subject:     fmt.Sprintf("%s: %s (%d)", names[0], span, len(res.Rows)),
		Text:        text,
		Attachments: []connectors.Attachment{{Name: file, ContentType: f.ContentType(), Data: b.Bytes()}},
	}
	return msg, connectors.CheckMessage(&msg)
}

// Run mails due reports every poll (default a minute) until ctx ends.
func (s *Scheduler) Run(ctx context.Context, poll time.Duration) error {
	if err := s.Check(); err != nil {
		return err
	}
	if poll <= 0 {
		poll = time.Minute
	}
	t := time.NewTicker(poll)
	defer t.Stop()
	for {
		s.RunDue(ctx) // failures are logged; the next round tries again
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}
