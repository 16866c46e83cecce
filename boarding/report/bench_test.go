package report_test

import (
	"io"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/orgsync/orgsync/boarding/report"
	om "github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/synth"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// benchYear is the 50,000-person municipality loaded on 2026-01-01 and
// a year of daily payroll imports after it (hires and terminations
// registered up to 30 days ahead), built once per test binary.
var benchYear struct {
	once  sync.Once
	m     *om.Model
	start time.Time // the load's registration
	last  time.Time // the last import's
	err   error
}

func benchRegTime(start timeline.Date, i int) time.Time {
	y, mo, d := start.YMD()
	return time.Date(y, mo, d, 2, 0, 0, 0, zone.Location()).AddDate(0, 0, i)
}

func year(b *testing.B) *om.Model {
	b.Helper()
	benchYear.once.Do(func() {
		began := time.Now()
		start := timeline.MustDate(2026, 1, 1)
		mu, err := synth.Generate(synth.Municipal(start))
		if err != nil {
			benchYear.err = err
			return
		}
		m := om.New(om.Options{Zone: zone})
		if err := mu.Load(bg, m, benchRegTime(start, 0)); err != nil {
			benchYear.err = err
			return
		}
		g := synth.NewChurn(mu, start, 365)
		g.Lead = 30
		for i := 1; i <= 365; i++ {
			if _, err := m.Apply(bg, g.Day(m.Latest(), start.AddDays(i)), om.Registration{Time: benchRegTime(start, i), Actor: "sd-import"}); err != nil {
				benchYear.err = err
				return
			}
		}
		benchYear.m, benchYear.start, benchYear.last = m, benchRegTime(start, 0), benchRegTime(start, 365)
		b.Logf("built the municipality and a year of imports in %s", time.Since(began).Round(time.Second))
	})
	if benchYear.err != nil {
		b.Fatal(benchYear.err)
	}
	return benchYear.m
}

// BenchmarkMonth is the changes report over the year's last month, beside
// the least a report by registration must do: read the history of every
// engagement and count the versions registered in the window.
func BenchmarkMonth(b *testing.B) {
	m := year(b)
	to := benchYear.last.Add(time.Hour)
	from := to.AddDate(0, -1, 0)
	var raw time.Duration
	b.Run("raw", func(b *testing.B) {
		first := m.AsOfTime(from).Registration().Seq + 1
		last := m.AsOfTime(to).Registration().Seq
		n := 0
		for b.Loop() {
			n = 0
			for o := range m.Latest().All(om.KindEngagement) {
				for _, v := range m.History(o.ID) {
					if s := v.Registration.Seq; s >= first && s <= last {
						n++
					}
				}
			}
		}
		raw = b.Elapsed() / time.Duration(b.N)
		b.ReportMetric(float64(n), "versions")
	})
	b.Run("report", func(b *testing.B) {
		var rows int
		for b.Loop() {
			res, err := report.Run(m, report.Query{Report: report.Changes, From: from, To: to})
			if err != nil {
				b.Fatal(err)
			}
			rows = len(res.Rows)
		}
		b.ReportMetric(float64(rows), "rows")
		if raw > 0 {
			b.ReportMetric(float64(b.Elapsed()/time.Duration(b.N))/float64(raw), "x-raw")
		}
	})
}

// BenchmarkXLSX50k writes 50,000 rows (the load's hires and the year's
// changes) with the default columns, beside excelize's StreamWriter
// writing the same cells as strings with no styles or table: the peak
// heap growth while writing is reported as MB-peak.
func BenchmarkXLSX50k(b *testing.B) {
	m := year(b)
	res, err := report.Run(m, report.Query{Report: report.Changes, From: benchYear.start, To: benchYear.last.Add(time.Hour)})
	if err != nil {
		b.Fatal(err)
	}
	if len(res.Rows) < 50_000 {
		b.Fatalf("%d rows, want 50,000", len(res.Rows))
	}
	rows := res.Rows[:50_000]
	tb, err := report.NewTable(report.DefaultColumns(report.Changes), zone)
	if err != nil {
		b.Fatal(err)
	}
	var raw time.Duration
	b.Run("raw", func(b *testing.B) {
		write := func() {
			f := excelize.NewFile()
			sw, err := f.NewStreamWriter("Sheet1")
			if err != nil {
				b.Fatal(err)
			}
			vals := make([]any, len(tb.Headers()))
			for i := range rows {
				for j, c := range tb.Cells(&rows[i]) {
					vals[j] = c.Text()
				}
				cell, _ := excelize.CoordinatesToCellName(1, i+1)
				if err := sw.SetRow(cell, vals); err != nil {
					b.Fatal(err)
				}
			}
			if err := sw.Flush(); err != nil {
				b.Fatal(err)
			}
			if _, err := f.WriteTo(io.Discard); err != nil {
				b.Fatal(err)
			}
			f.Close()
		}
		for b.Loop() {
			write()
		}
		raw = b.Elapsed() / time.Duration(b.N)
		b.ReportMetric(heapPeak(write), "MB-peak")
	})
	b.Run("report", func(b *testing.B) {
		write := func() {
			if err := report.WriteXLSX(io.Discard, tb, rows, ""); err != nil {
				b.Fatal(err)
			}
		}
		for b.Loop() {
			write()
		}
		if raw > 0 {
			b.ReportMetric(float64(b.Elapsed()/time.Duration(b.N))/float64(raw), "x-raw")
		}
		b.ReportMetric(heapPeak(write), "MB-peak")
	})
}

// heapPeak runs fn once and returns the most the heap grew above its
// size before, in MB, sampled every millisecond. The collector runs at
// GOGC=5 meanwhile: at the default, a heap holding the municipality's
// year (a gigabyte and more) lets garbage grow to its size before a
// collection, and the peak would measure that, not what the writer
// holds. The timing is the benchmark loop's, at the default.
func heapPeak(fn func()) float64 {
	defer debug.SetGCPercent(debug.SetGCPercent(5))
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapInuse
	var peak atomic.Uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			var s runtime.MemStats
			runtime.ReadMemStats(&s)
			if s.HeapInuse > base && s.HeapInuse-base > peak.Load() {
				peak.Store(s.HeapInuse - base)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	})
	fn()
	close(done)
	wg.Wait()
	return float64(peak.Load()) / (1 << 20)
}
