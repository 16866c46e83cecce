package reportdb_test

import (
	"bytes"
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	guuid "github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/orgsync/orgsync/boarding/outbox"
	"github.com/orgsync/orgsync/boarding/outbox/outboxdb"
	"github.com/orgsync/orgsync/boarding/report"
	"github.com/orgsync/orgsync/boarding/report/reportdb"
	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/connectors/connectortest"
	"github.com/orgsync/orgsync/connectors/smtp"
	"github.com/orgsync/orgsync/internal/pgtest"
	"github.com/orgsync/orgsync/internal/smtptest"
	om "github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/timeline"
	"github.com/orgsync/orgsync/statedb"
)

var bg = context.Background()

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

var key = func() *statedb.Key {
	k, err := statedb.ParseKey([]byte(statedb.GenerateKey()))
	if err != nil {
		panic(err)
	}
	return k
}()

func openDB(t *testing.T, dsn string) *statedb.DB {
	t.Helper()
	db, err := statedb.Open(bg, dsn, statedb.Options{Key: key, Schemas: []statedb.Schema{outboxdb.Schema, reportdb.Schema}})
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	return db
}

// ledger is a Ledger and the outbox it queues into.
type ledger struct {
	report.Ledger
	outbox outbox.Store
}

func msg(key string) connectors.Message {
	return connectors.Message{Key: key, From: connectors.Address{Addr: "orgsync@sjolund.test"},
		To: []connectors.Address{{Addr: "hr@sjolund.test"}}, Subject: "Rapport", Text: "Vedhæftet.\n"}
}

// testLedger is the contract every Ledger keeps.
func testLedger(t *testing.T, open func(t *testing.T) ledger) {
	t.Run("advance from nothing, then on", func(t *testing.T) {
		l := open(t)
		_, ok, err := l.Last(bg, "daglig")
		require.NoError(t, err)
		assert.False(t, ok)
		t1 := time.Date(2027, 1, 11, 5, 0, 0, 0, time.UTC)
		t2 := t1.AddDate(0, 0, 1)
		require.NoError(t, l.Advance(bg, "daglig", time.Time{}, t1, msg("r1")))
		last, ok, err := l.Last(bg, "daglig")
		require.NoError(t, err)
		assert.True(t, ok)
		assert.True(t, last.Equal(t1), "%s", last)
		require.NoError(t, l.Advance(bg, "daglig", t1, t2, msg("r2")))
		es, err := l.outbox.List(bg, 0, 10)
		require.NoError(t, err)
		require.Len(t, es, 2)
		assert.Equal(t, "r1", es[0].Message.Key)
	})
	t.Run("a stale advance queues nothing", func(t *testing.T) {
		l := open(t)
		t1 := time.Date(2027, 1, 11, 5, 0, 0, 0, time.UTC)
		require.NoError(t, l.Advance(bg, "daglig", time.Time{}, t1, msg("r1")))
		assert.True(t, errors.Is(l.Advance(bg, "daglig", time.Time{}, t1.Add(time.Hour), msg("again")), report.ErrMoved), "from nothing, when it has moved")
		assert.True(t, errors.Is(l.Advance(bg, "daglig", t1.Add(-time.Hour), t1.Add(time.Hour), msg("again")), report.ErrMoved), "from another end")
		assert.True(t, errors.Is(l.Advance(bg, "ugentlig", t1, t1.Add(time.Hour), msg("again")), report.ErrMoved), "from an end it never had")
		es, err := l.outbox.List(bg, 0, 10)
		require.NoError(t, err)
		assert.Len(t, es, 1, "nothing queued by the refused advances")
		last, _, _ := l.Last(bg, "daglig")
		assert.True(t, last.Equal(t1))
	})
}

func TestLedgerMem(t *testing.T) {
	testLedger(t, func(t *testing.T) ledger {
		o := outbox.NewMemStore()
		return ledger{&report.MemLedger{Outbox: o}, o}
	})
}

func TestLedgerSQLite(t *testing.T) {
	testLedger(t, func(t *testing.T) ledger {
		db := openDB(t, "sqlite:"+filepath.Join(t.TempDir(), "orgsync.db"))
		o := outboxdb.New(db)
		return ledger{reportdb.New(db, o), o}
	})
}

func TestLedgerPostgres(t *testing.T) {
	testLedger(t, func(t *testing.T) ledger {
		db := openDB(t, pgtest.DSN(t))
		o := outboxdb.New(db)
		return ledger{reportdb.New(db, o), o}
	})
}

var zone = timeline.DefaultZone()

func local(y int, m time.Month, d, h int) time.Time {
	return time.Date(y, m, d, h, 0, 0, 0, zone.Location())
}

// hire registers a hire of name at when.
func hire(t *testing.T, m *om.Model, unit guuid.UUID, name string, when time.Time) {
	t.Helper()
	var cs om.ChangeSet
	p := cs.Add(name, timeline.Since(timeline.MustParseDate("1990-01-01")), om.PersonAttrs{GivenNames: name, Surname: "Hansen"})
	cs.Add("e-"+name, timeline.Since(timeline.MustParseDate("2027-03-01")), om.EngagementAttrs{Person: p, Unit: unit, JobFunction: "Lærer", Type: "Månedsløn", Fraction: 1, EmploymentNumber: "e-" + name})
	_, err := m.Apply(bg, &cs, om.Registration{Time: when, Actor: "sd-import"})
	require.NoError(t, err)
}

// TestScheduleAcrossARestartAndDowntime runs a daily schedule on SQLite:
// the first run mails the last day; a run before the next boundary mails
// nothing; after three days down, one report covers the whole gap, with
// a registration made at each end; the host restarts in between and the
// ledger remembers; two schedulers at once mail it once; and the mail
// arrives over SMTP with the XLSX attached.
func TestScheduleAcrossARestartAndDowntime(t *testing.T) {
	path := "sqlite:" + filepath.Join(t.TempDir(), "orgsync.db")
	m := om.New(om.Options{Zone: zone})
	var cs om.ChangeSet
	unit := cs.Add("300", timeline.Since(timeline.MustParseDate("2020-01-01")), om.UnitAttrs{Name: "Skolen ved Søen"})
	_, err := m.Apply(bg, &cs, om.Registration{Time: local(2027, 1, 1, 9), Actor: "setup"})
	require.NoError(t, err)

	hire(t, m, unit, "Anna", local(2027, 1, 10, 14)) // in the first window
	now := local(2027, 1, 11, 7)
	scheduler := func(db *statedb.DB) *report.Scheduler {
		o := outboxdb.New(db)
		return &report.Scheduler{Model: m, Ledger: reportdb.New(db, o), Now: func() time.Time { return now },
			Schedules: []report.Schedule{{Name: "daglig", Report: report.Hires, Every: report.Daily,
				From: connectors.Address{Name: "Sjølund Kommune", Addr: "orgsync@sjolund.test"}, To: []connectors.Address{{Addr: "hr@sjolund.test"}}}}}
	}
	db := openDB(t, path)
	mailed, err := scheduler(db).RunDue(bg)
	require.NoError(t, err)
	require.Len(t, mailed, 1)
	assert.Equal(t, local(2027, 1, 10, 6), mailed[0].From.In(zone.Location()), "one day back from the boundary")
	assert.Equal(t, local(2027, 1, 11, 6), mailed[0].To.In(zone.Location()))
	assert.Equal(t, 1, mailed[0].Rows)

	now = local(2027, 1, 12, 5) // before the next boundary
	mailed, err = scheduler(db).RunDue(bg)
	require.NoError(t, err)
	assert.Empty(t, mailed)
	require.NoError(t, db.Close())

	hire(t, m, unit, "Bent", local(2027, 1, 11, 6))  // exactly at the boundary: the next window
	hire(t, m, unit, "Carla", local(2027, 1, 14, 5)) // just before the boundary three days on
	hire(t, m, unit, "Dan", local(2027, 1, 14, 6))   // at it: the window after
	now = local(2027, 1, 14, 9)                      // three days later, after a restart
	db = openDB(t, path)
	a, b := scheduler(db), scheduler(db)
	mailed, err = a.RunDue(bg)
	require.NoError(t, err)
	require.Len(t, mailed, 1)
	assert.Equal(t, local(2027, 1, 11, 6), mailed[0].From.In(zone.Location()), "from where the last report ended")
	assert.Equal(t, local(2027, 1, 14, 6), mailed[0].To.In(zone.Location()))
	assert.Equal(t, 2, mailed[0].Rows, "Bent and Carla; Dan is the next report's")
	again, err := b.RunDue(bg)
	require.NoError(t, err)
	assert.Empty(t, again, "the second scheduler finds it mailed")

	o := outboxdb.New(db)
	es, err := o.List(bg, 0, 10)
	require.NoError(t, err)
	require.Len(t, es, 2)
	att := es[1].Message.Attachments
	require.Len(t, att, 1)
	assert.Equal(t, "ansaettelser-20270111T0600-20270114T0600.xlsx", att[0].Name)
	f, err := excelize.OpenReader(bytes.NewReader(att[0].Data))
	require.NoError(t, err)
	rows, err := f.GetRows("Ansættelser")
	require.NoError(t, err)
	require.Len(t, rows, 3)
	assert.Equal(t, "Bent Hansen", rows[1][2])
	assert.Equal(t, "Carla Hansen", rows[2][2])

	srv := smtptest.Start(t, smtptest.Options{})
	host, port, _ := net.SplitHostPort(srv.Addr)
	p, _ := strconv.Atoi(port)
	mailer, err := smtp.Open(smtp.Config{Host: host, Port: p, CAFile: srv.CAFile, ServerName: "smtp.kommune.test",
		Auth: "plain", Username: smtptest.User, Password: smtptest.Password, ConnectTimeout: 3 * time.Second})
	require.NoError(t, err)
	defer mailer.Close()
	rep, err := (&outbox.Worker{Store: o, Mailer: mailer, Now: func() time.Time { return now }}).RunOnce(bg)
	require.NoError(t, err)
	assert.Equal(t, 2, rep.Sent)
	got := srv.Received()
	require.Len(t, got, 2)
	d, err := connectortest.ParseMail(got[1].Data)
	require.NoError(t, err)
	assert.Equal(t, "Ansættelser: 2027-01-11 06:00 – 2027-01-14 06:00 (2)", d.Subject)
	require.Len(t, d.Attachments, 1)
	assert.Equal(t, att[0].Data, d.Attachments[0].Data, "the workbook arrives as it was made")
}

func TestScheduleCheck(t *testing.T) {
	m := om.New(om.Options{Zone: zone})
	bad := -1
	s := &report.Scheduler{Model: m, Ledger: &report.MemLedger{Outbox: outbox.NewMemStore()}, Schedules: []report.Schedule{
		{Name: "", Report: report.Hires, Every: report.Daily, To: []connectors.Address{{Addr: "hr@x.test"}}, From: connectors.Address{Addr: "o@x.test"}},
		{Name: "a", Report: "fired", Every: "hourly", Hour: &bad, Format: "pdf", From: connectors.Address{Addr: "o@x.test"}},
		{Name: "a", Report: report.Hires, Every: report.Weekly, To: []connectors.Address{{Addr: "hr@x.test"}}, From: connectors.Address{Addr: "o@x.test"}, Columns: []report.Column{{Field: "salary"}}},
	}}
	err := s.Check()
	require.Error(t, err)
	for _, want := range []string{"schedules[0].name", "schedules[1].report", "schedules[1].every", "schedules[1].hour", "schedules[1].format", "schedules[1].to", "schedules[2].name: ", "schedules[2].columns"} {
		assert.Contains(t, err.Error(), want)
	}
	_, err = s.RunDue(bg)
	assert.Error(t, err, "nothing runs on a bad schedule")
}
