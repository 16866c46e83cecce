package statedb_test

// The benchmarks measure what the state database costs the org model, each
// against the in-memory model (orgmodel.MemStore) in the same run:
//
//   - BenchmarkApply: change sets of 1,000 changes (500 persons' surnames
//     and 500 engagements' job functions, alternating between two values so
//     that every iteration changes 1,000 objects) applied to a model of
//     5,000 persons on MemStore, SQLite and PostgreSQL; "changes/s" and,
//     for the databases, "x-mem" (their rate over MemStore's).
//   - BenchmarkOpenLoad: the synthetic municipality of 50,000 persons and
//     then a year of daily imports (365 registrations of 50-200 changed
//     objects each: moves, hires, terminations, name and job changes),
//     built once per test binary into a SQLite file. Each iteration opens
//     the file and loads the model (statedb.Open, orgmodel.Open) and closes
//     it: "sqlite" from the checkpoint, "sqlite-nocheckpoint" from a copy of
//     the file without one. The baseline "memory" builds the same final
//     state in a new in-memory model from the final snapshots of both
//     sources (orgmodel.ImportAll); "memory-nolog" does the same on a store
//     that keeps nothing, to show the model's own memory without
//     MemStore's copy of the log. Each reports "s/op", "heap-MB" (the heap
//     in use after the load, runtime.GC and MemStats.HeapInuse, everything
//     the process holds, the cached final snapshots included) and
//     "model-heap-MB" (the growth of the heap over the load: the model, its
//     store, and the open database's Go memory; SQLite's own page cache is
//     not Go heap). The SQLite ones also report "x-mem" (time over
//     memory's), "heap-x-mem" and "heap-x-nolog" (model-heap-MB over
//     memory's and memory-nolog's). The loaded model holds the year's
//     history, the baselines only the final state; "history-heap-MB" is the
//     model that built the file, history included, as it stood in memory
//     after building it.
//   - BenchmarkEventDelivery: the latency from Model.Apply returning to a
//     subscriber (Subscribe, Next, then Ack) receiving the event, for 250
//     single-change registrations per iteration on MemStore and SQLite;
//     "p50-ms", "p99-ms" and "max-ms" over every sample of the run.
//
// The ratios compare with the baseline's latest run in the same binary
// (with -count, sub-benchmarks run count times in a row, so the last of
// the baseline's runs); compare medians across runs for anything finer.
//
// Nothing is built without -bench (no init, nothing in TestMain). Building
// the year of history takes some 15 s of a run, once per test binary, when
// BenchmarkOpenLoad first runs; the files are unlinked at once and kept
// open, so nothing is left on disk. PostgreSQL comes from internal/pgtest
// (Apply/postgres is skipped where it cannot run).
//
//	go test ./statedb -run '^$' -bench . -benchtime 1x
//	go test ./statedb -run '^$' -bench 'Apply|EventDelivery' -benchtime 10x -count 5
//	go test ./statedb -run '^$' -bench OpenLoad -benchtime 3x -count 5

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/orgsync/orgsync/internal/pgtest"
	om "github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/synth"
	"github.com/orgsync/orgsync/orgmodel/timeline"
	"github.com/orgsync/orgsync/statedb"
)

// benchDay is the reference day of the benchmarks' municipalities.
var benchDay = timeline.MustParseDate("2026-11-22")

// benchHeap returns the heap in use after a collection.
func benchHeap() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapInuse
}

func benchMB(n uint64) float64 { return float64(n) / (1 << 20) }

// benchCounter is a store that counts what the model commits through it.
type benchCounter struct {
	om.Store
	versions  atomic.Int64
	lastEvent atomic.Uint64
}

func (s *benchCounter) Commit(ctx context.Context, c om.Commit) error {
	if err := s.Store.Commit(ctx, c); err != nil {
		return err
	}
	s.versions.Add(int64(len(c.Versions)))
	if n := len(c.Events); n > 0 {
		s.lastEvent.Store(c.Events[n-1].Seq)
	}
	return nil
}

// benchDiscard is a store that keeps nothing.
type benchDiscard struct{}

func (benchDiscard) Load(context.Context, func(om.Commit) error) error { return nil }
func (benchDiscard) Commit(context.Context, om.Commit) error           { return nil }
func (benchDiscard) Events(context.Context, uint64, int) ([]om.Event, error) {
	return nil, nil
}
func (benchDiscard) Cursor(context.Context, string) (uint64, error)  { return 0, nil }
func (benchDiscard) SetCursor(context.Context, string, uint64) error { return nil }
func (benchDiscard) Close() error                                    { return nil }

// benchValidOn returns the object's attributes on day d, if it exists and
// is valid then.
func benchValidOn(v om.View, id uuid.UUID, d timeline.Date) (om.Object, om.Attrs, bool) {
	o, ok := v.Object(id)
	if !ok {
		return om.Object{}, nil, false
	}
	a, ok := o.Timeline.At(d)
	return o, a, ok
}

// ---------------------------------------------------------------------
// BenchmarkApply

// benchApplyChanges is the size of each change set BenchmarkApply applies.
const benchApplyChanges = 1000

var benchMid struct {
	once sync.Once
	mu   *synth.Municipality
	err  error
}

// benchMidMuni returns a municipality of 5,000 persons, generated once.
func benchMidMuni(b *testing.B) *synth.Municipality {
	benchMid.once.Do(func() {
		benchMid.mu, benchMid.err = synth.Generate(synth.Config{Seed: 1, Persons: 5_000, Units: 500, Depth: 6, Engagements: 6_000, Managers: 300, Today: benchDay})
	})
	if benchMid.err != nil {
		b.Fatal(benchMid.err)
	}
	return benchMid.mu
}

// benchApplySets returns two change sets of benchApplyChanges updates each,
// from benchDay on: half of them persons' surnames, half engagements' job
// functions, set to one value in the first set and another in the second,
// so that applying them in turn changes every object every time.
func benchApplySets(b *testing.B, m *om.Model, mu *synth.Municipality) [2]*om.ChangeSet {
	v := m.Latest()
	var persons, engs []uuid.UUID
	for _, o := range mu.Payroll.Objects {
		if _, _, ok := benchValidOn(v, o.ID, benchDay); !ok {
			continue
		}
		switch {
		case o.Kind == om.KindPerson && len(persons) < benchApplyChanges/2:
			persons = append(persons, o.ID)
		case o.Kind == om.KindEngagement && len(engs) < benchApplyChanges-benchApplyChanges/2:
			engs = append(engs, o.ID)
		}
	}
	if len(persons)+len(engs) != benchApplyChanges {
		b.Fatalf("found %d persons and %d engagements to change, want %d in all", len(persons), len(engs), benchApplyChanges)
	}
	var sets [2]*om.ChangeSet
	for k, suffix := range []string{"-A", "-B"} {
		cs := &om.ChangeSet{}
		for _, id := range persons {
			_, a, _ := benchValidOn(v, id, benchDay)
			s := a.(om.PersonAttrs).Surname + suffix
			cs.Update(id, timeline.Since(benchDay), om.PersonPatch{Surname: &s})
		}
		job := "Bench" + suffix
		for _, id := range engs {
			cs.Update(id, timeline.Since(benchDay), om.EngagementPatch{JobFunction: &job})
		}
		sets[k] = cs
	}
	return sets
}

// BenchmarkApply applies change sets of 1,000 changes to a model of 5,000
// persons on each store.
func BenchmarkApply(b *testing.B) {
	mu := benchMidMuni(b)
	run := func(b *testing.B, store om.Store) float64 {
		counter := &benchCounter{Store: store}
		m := om.New(om.Options{Store: counter})
		if err := mu.Load(ctx, m, time.Now()); err != nil {
			b.Fatal(err)
		}
		sets := benchApplySets(b, m, mu)
		counter.versions.Store(0)
		n := 0
		for b.Loop() {
			if _, err := m.Apply(ctx, sets[n%2], om.Registration{Time: time.Now(), Actor: "bench"}); err != nil {
				b.Fatal(err)
			}
			n++
		}
		if got, want := counter.versions.Load(), int64(n*benchApplyChanges); got != want {
			b.Fatalf("%d applies committed %d versions, want %d", n, got, want)
		}
		rate := float64(n*benchApplyChanges) / b.Elapsed().Seconds()
		b.ReportMetric(rate, "changes/s")
		return rate
	}
	var memRate float64
	b.Run("mem", func(b *testing.B) { memRate = run(b, om.NewMemStore()) })
	vsMem := func(b *testing.B, rate float64) {
		if memRate > 0 {
			b.ReportMetric(rate/memRate, "x-mem")
		}
	}
	b.Run("sqlite", func(b *testing.B) {
		vsMem(b, run(b, openDB(b, sqliteURL(b), statedb.Options{}).Model()))
	})
	b.Run("postgres", func(b *testing.B) {
		vsMem(b, run(b, openDB(b, pgtest.DSN(b), statedb.Options{}).Model()))
	})
}

// ---------------------------------------------------------------------
// BenchmarkOpenLoad

// benchDays is how many daily registrations follow the municipality.
const benchDays = 365

// benchFile is a built database kept open after its directory entries are
// removed, so that nothing is left on disk when the binary exits; parts
// maps a file's suffix ("", "-wal") to it.
type benchFile struct {
	parts map[string]*os.File
}

// keep opens the database at path and its WAL, if any.
func benchKeep(path string) (benchFile, error) {
	f := benchFile{parts: map[string]*os.File{}}
	for _, suffix := range []string{"", "-wal", "-shm"} {
		h, err := os.Open(path + suffix)
		if os.IsNotExist(err) && suffix != "" {
			continue
		}
		if err != nil {
			return f, err
		}
		f.parts[suffix] = h
	}
	return f, nil
}

// restore writes a copy of the database into dir and returns its path.
func (f benchFile) restore(b *testing.B, dir string) string {
	path := filepath.Join(dir, "orgsync.db")
	for suffix, h := range f.parts {
		st, err := h.Stat()
		if err != nil {
			b.Fatal(err)
		}
		out, err := os.Create(path + suffix)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := io.Copy(out, io.NewSectionReader(h, 0, st.Size())); err != nil {
			b.Fatal(err)
		}
		if err := out.Close(); err != nil {
			b.Fatal(err)
		}
	}
	return path
}

func (f benchFile) size() int64 {
	var n int64
	for _, h := range f.parts {
		if st, err := h.Stat(); err == nil {
			n += st.Size()
		}
	}
	return n
}

// benchYear is the municipality with a year of daily imports, built once.
var benchYear struct {
	once sync.Once
	err  error

	ckpt, noCkpt benchFile
	// final are both sources' objects as the year left them.
	final []om.Snapshot
	// last is the day of the last import.
	last timeline.Date
	// regs, objects and versions count the registrations, the objects
	// and the versions of the built model.
	regs, objects int
	versions      int64
	// dayMin and dayMax are the fewest and most versions of a day.
	dayMin, dayMax int64
	// historyHeap is the heap that model held (with the database open).
	historyHeap uint64
	took        time.Duration
	logged      bool
}

// benchRegTime is the registration time of day i's import (0: the load).
func benchRegTime(i int) time.Time {
	y, m, d := (benchDay - benchDays).YMD()
	return time.Date(y, m, d, 2, 0, 0, 0, time.UTC).AddDate(0, 0, i)
}

// benchBuildYear builds benchYear: the municipality and a year of daily
// imports committed to a SQLite file (without checkpoints), and a copy of
// it with a checkpoint.
func benchBuildYear() error {
	y := &benchYear
	began := time.Now()
	dir, err := os.MkdirTemp("", "orgsync-statedb-bench-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	noCkpt, ckpt := filepath.Join(dir, "history.db"), filepath.Join(dir, "checkpointed.db")

	base := benchHeap()
	start := benchDay - benchDays
	mu, err := synth.Generate(synth.Municipal(start))
	if err != nil {
		return err
	}
	db, err := statedb.Open(ctx, "sqlite:"+noCkpt, statedb.Options{Key: testKey, CheckpointEvery: -1})
	if err != nil {
		return err
	}
	defer db.Close()
	counter := &benchCounter{Store: db.Model()}
	m := om.New(om.Options{Store: counter})
	if err := mu.Load(ctx, m, benchRegTime(0)); err != nil {
		return err
	}
	g := synth.NewChurn(mu, start, 365)
	mu = nil
	y.dayMin = 1 << 62
	for i := 1; i <= benchDays; i++ {
		d := start + timeline.Date(i)
		cs := g.Day(m.Latest(), d)
		before := counter.versions.Load()
		if _, err := m.Apply(ctx, cs, om.Registration{Time: benchRegTime(i), Actor: "bench-payroll", Note: "daily import " + d.String()}); err != nil {
			return fmt.Errorf("day %s: %w", d, err)
		}
		n := counter.versions.Load() - before
		y.dayMin, y.dayMax = min(y.dayMin, n), max(y.dayMax, n)
	}
	g = nil
	y.historyHeap = benchHeap() - base
	v := m.Latest()
	y.final = []om.Snapshot{
		{Source: synth.PayrollSource, Objects: v.Owned(synth.PayrollSource)},
		{Source: synth.AdminSource, Objects: v.Owned(synth.AdminSource)},
	}
	y.objects = len(y.final[0].Objects) + len(y.final[1].Objects)
	y.regs, y.versions, y.last = len(m.Registrations(1)), counter.versions.Load(), benchDay
	runtime.KeepAlive(m)
	m = nil
	if err := db.Close(); err != nil {
		return err
	}

	in, err := os.ReadFile(noCkpt)
	if err != nil {
		return err
	}
	if _, err := os.Stat(noCkpt + "-wal"); err == nil {
		return fmt.Errorf("%s-wal is left after closing the database", noCkpt)
	}
	if err := os.WriteFile(ckpt, in, 0o600); err != nil {
		return err
	}
	in = nil
	db, err = statedb.Open(ctx, "sqlite:"+ckpt, statedb.Options{Key: testKey, CheckpointEvery: -1})
	if err != nil {
		return err
	}
	if _, err := db.Model().Checkpoint(ctx); err != nil {
		db.Close()
		return err
	}
	if err := db.Close(); err != nil {
		return err
	}
	if y.noCkpt, err = benchKeep(noCkpt); err != nil {
		return err
	}
	if y.ckpt, err = benchKeep(ckpt); err != nil {
		return err
	}
	y.took = time.Since(began)
	return nil
}

// benchCloneSnapshot returns a deep copy of s, its text interned in in the
// way statedb's decoder interns it, so that a model built from the copy
// owns all of its memory.
func benchCloneSnapshot(s om.Snapshot, in map[string]string) om.Snapshot {
	str := func(s string) string {
		if s == "" {
			return ""
		}
		if c, ok := in[s]; ok {
			return c
		}
		c := strings.Clone(s)
		in[c] = c
		return c
	}
	out := om.Snapshot{Source: str(s.Source), Objects: make([]om.Object, len(s.Objects))}
	for i, o := range s.Objects {
		o.UserKey, o.Source = str(o.UserKey), str(o.Source)
		spans := o.Timeline.Spans()
		for j := range spans {
			switch a := spans[j].Value.(type) {
			case om.PersonAttrs:
				a.GivenNames, a.Surname, a.NicknameGivenNames, a.NicknameSurname = str(a.GivenNames), str(a.Surname), str(a.NicknameGivenNames), str(a.NicknameSurname)
				spans[j].Value = a
			case om.UnitAttrs:
				a.Name, a.Type, a.Level, a.Hierarchy = str(a.Name), str(a.Type), str(a.Level), str(a.Hierarchy)
				spans[j].Value = a
			case om.EngagementAttrs:
				a.EmploymentNumber, a.JobFunction, a.Type, a.PrimaryBy, a.PlacedBy = str(a.EmploymentNumber), str(a.JobFunction), str(a.Type), str(a.PrimaryBy), str(a.PlacedBy)
				spans[j].Value = a
			case om.ManagerAttrs:
				keys := a.Responsibilities.All()
				for k := range keys {
					keys[k] = str(keys[k])
				}
				a.Type, a.Level, a.Responsibilities = str(a.Type), str(a.Level), om.NewKeys(keys...)
				spans[j].Value = a
			case om.AssociationAttrs:
				a.Type = str(a.Type)
				spans[j].Value = a
			case om.RelatedUnitsAttrs:
				spans[j].Value = a
			}
		}
		o.Timeline = timeline.MustNew(spans...)
		out.Objects[i] = o
	}
	return out
}

// BenchmarkOpenLoad opens a SQLite database holding the 50,000-person
// municipality and a year of daily imports and loads the model from it,
// against building the same final state in memory from the final
// snapshots.
func BenchmarkOpenLoad(b *testing.B) {
	y := &benchYear
	y.once.Do(func() { y.err = benchBuildYear() })
	if y.err != nil {
		b.Fatal(y.err)
	}
	var memSec, memHeap, nologHeap float64
	build := func(b *testing.B, store func() om.Store) (sec, modelHeap float64) {
		var heap, grown uint64
		for b.Loop() {
			b.StopTimer()
			base := benchHeap()
			in := map[string]string{}
			snaps := []om.Snapshot{benchCloneSnapshot(y.final[0], in), benchCloneSnapshot(y.final[1], in)}
			in = nil
			b.StartTimer()
			m := om.New(om.Options{Store: store()})
			if err := om.ImportAll(ctx, m, snaps, om.ImportOptions{Today: y.last}, om.Registration{Time: benchRegTime(benchDays), Actor: "bench"}); err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			snaps = nil
			heap = benchHeap()
			grown = heap - base
			if n := len(m.Latest().Owned(synth.PayrollSource)) + len(m.Latest().Owned(synth.AdminSource)); n != y.objects {
				b.Fatalf("the model has %d objects, want %d", n, y.objects)
			}
			runtime.KeepAlive(m)
			b.StartTimer()
		}
		sec = b.Elapsed().Seconds() / float64(b.N)
		b.ReportMetric(sec, "s/op")
		b.ReportMetric(benchMB(heap), "heap-MB")
		b.ReportMetric(benchMB(grown), "model-heap-MB")
		return sec, benchMB(grown)
	}
	b.Run("memory", func(b *testing.B) {
		if !y.logged {
			y.logged = true
			b.Logf("built in %s: %d registrations (the daily ones of %d to %d versions), %d objects, %d versions; file %.1f MB, checkpointed %.1f MB; that model held %.1f MB of heap",
				y.took.Round(time.Second), y.regs, y.dayMin, y.dayMax, y.objects, y.versions, benchMB(uint64(y.noCkpt.size())), benchMB(uint64(y.ckpt.size())), benchMB(y.historyHeap))
		}
		memSec, memHeap = build(b, func() om.Store { return om.NewMemStore() })
		b.ReportMetric(benchMB(y.historyHeap), "history-heap-MB")
	})
	// The same without the MemStore's copy of the versions and events:
	// the model's own memory.
	b.Run("memory-nolog", func(b *testing.B) {
		_, nologHeap = build(b, func() om.Store { return benchDiscard{} })
	})
	load := func(b *testing.B, f benchFile) {
		path := f.restore(b, b.TempDir())
		var heap, grown uint64
		for b.Loop() {
			b.StopTimer()
			base := benchHeap()
			b.StartTimer()
			db, err := statedb.Open(ctx, "sqlite:"+path, statedb.Options{Key: testKey})
			if err != nil {
				b.Fatal(err)
			}
			m, err := om.Open(ctx, om.Options{Store: db.Model()})
			if err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			heap = benchHeap()
			grown = heap - base
			if n := len(m.Registrations(1)); n != y.regs {
				b.Fatalf("loaded %d registrations, want %d", n, y.regs)
			}
			runtime.KeepAlive(m)
			b.StartTimer()
			if err := db.Close(); err != nil {
				b.Fatal(err)
			}
		}
		sec := b.Elapsed().Seconds() / float64(b.N)
		b.ReportMetric(sec, "s/op")
		b.ReportMetric(benchMB(heap), "heap-MB")
		b.ReportMetric(benchMB(grown), "model-heap-MB")
		if memSec > 0 {
			b.ReportMetric(sec/memSec, "x-mem")
			b.ReportMetric(benchMB(grown)/memHeap, "heap-x-mem")
		}
		if nologHeap > 0 {
			b.ReportMetric(benchMB(grown)/nologHeap, "heap-x-nolog")
		}
	}
	b.Run("sqlite", func(b *testing.B) { load(b, y.ckpt) })
	b.Run("sqlite-nocheckpoint", func(b *testing.B) { load(b, y.noCkpt) })
}

// ---------------------------------------------------------------------
// BenchmarkEventDelivery

// benchEventSamples is how many registrations each iteration delivers.
const benchEventSamples = 250

// BenchmarkEventDelivery measures how long after Model.Apply returns a
// subscriber waiting in Next receives the registration's event.
func BenchmarkEventDelivery(b *testing.B) {
	run := func(b *testing.B, store om.Store) {
		mu, err := synth.Generate(synth.Small(benchDay))
		if err != nil {
			b.Fatal(err)
		}
		counter := &benchCounter{Store: store}
		m := om.New(om.Options{Store: counter})
		if err := mu.Load(ctx, m, time.Now()); err != nil {
			b.Fatal(err)
		}
		var persons []uuid.UUID
		var surnames []string
		for _, p := range mu.Persons {
			if o, a, ok := benchValidOn(m.Latest(), p, benchDay); ok && o.Timeline.Len() == 1 {
				persons = append(persons, p)
				surnames = append(surnames, a.(om.PersonAttrs).Surname)
			}
		}
		// Start after the load's events.
		if err := store.SetCursor(ctx, "bench", counter.lastEvent.Load()); err != nil {
			b.Fatal(err)
		}
		sub, err := m.Subscribe("bench")
		if err != nil {
			b.Fatal(err)
		}
		type stamp struct {
			reg uint64
			at  time.Time
		}
		got := make(chan stamp, 1)
		sctx, cancel := context.WithCancel(ctx)
		var wg sync.WaitGroup
		wg.Go(func() {
			defer close(got)
			for {
				e, err := sub.Next(sctx)
				if err != nil {
					return
				}
				got <- stamp{e.Registration, time.Now()}
				if err := sub.Ack(sctx, e); err != nil {
					return
				}
			}
		})
		defer func() { cancel(); wg.Wait() }()

		var lat []time.Duration
		n := 0
		for b.Loop() {
			for range benchEventSamples {
				i := n % len(persons)
				s := surnames[i] + []string{"-A", "-B"}[n/len(persons)%2]
				cs := &om.ChangeSet{}
				cs.Update(persons[i], timeline.Since(benchDay), om.PersonPatch{Surname: &s})
				reg, err := m.Apply(ctx, cs, om.Registration{Time: time.Now(), Actor: "bench"})
				if err != nil {
					b.Fatal(err)
				}
				applied := time.Now()
				for {
					st, ok := <-got
					if !ok {
						b.Fatal("the subscriber stopped")
					}
					if st.reg == reg.Seq {
						// The subscriber may see the event before Apply
						// has returned to its caller: no wait at all.
						lat = append(lat, max(0, st.at.Sub(applied)))
						break
					}
				}
				n++
			}
		}
		slices.Sort(lat)
		ms := func(q float64) float64 {
			return float64(lat[min(len(lat)-1, int(q*float64(len(lat))))]) / float64(time.Millisecond)
		}
		b.ReportMetric(ms(0.50), "p50-ms")
		b.ReportMetric(ms(0.99), "p99-ms")
		b.ReportMetric(ms(1), "max-ms")
	}
	b.Run("mem", func(b *testing.B) { run(b, om.NewMemStore()) })
	b.Run("sqlite", func(b *testing.B) { run(b, openDB(b, sqliteURL(b), statedb.Options{}).Model()) })
}
