package plugin

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/connectors/inmem"
	"github.com/orgsync/orgsync/connectors/payrollfile"
	"github.com/orgsync/orgsync/orgmodel/intake"
	"github.com/orgsync/orgsync/orgmodel/synth"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// fill creates n user accounts with a few attributes below base.
func fill(b *testing.B, d connectors.Directory, base string, n int) {
	ctx := context.Background()
	ou, err := connectors.JoinDN("OU", "Bench", base)
	if err != nil {
		b.Fatal(err)
	}
	c := d.(connectors.Creator)
	if _, err := c.Create(ctx, connectors.CreateRequest{DN: ou, Attributes: []connectors.Attribute{{Name: "objectClass", Values: []string{"organizationalUnit"}}}}); err != nil {
		b.Fatal(err)
	}
	for i := range n {
		dn, _ := connectors.JoinDN("CN", fmt.Sprintf("Bench Person %05d", i), ou)
		_, err := c.Create(ctx, connectors.CreateRequest{DN: dn, Attributes: benchAttributes(i)})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// benchAttributes are the attributes of the i'th benchmark account.
func benchAttributes(i int) []connectors.Attribute {
	return []connectors.Attribute{
		{Name: "objectClass", Values: []string{"user"}},
		{Name: "sAMAccountName", Values: []string{fmt.Sprintf("bp%05d", i)}},
		{Name: "givenName", Values: []string{"Bench"}},
		{Name: "sn", Values: []string{fmt.Sprintf("Person %05d", i)}},
		{Name: "displayName", Values: []string{fmt.Sprintf("Bench Person %05d", i)}},
		{Name: "title", Values: []string{"Pædagog"}},
		{Name: "department", Values: []string{"Børn og Unge"}},
	}
}

// searchAll reads the accounts of the twin's benchmark OU.
func searchAll(b *testing.B, d connectors.Directory) time.Duration {
	return searchCount(b, d, "OU=Bench,"+testBase)
}

// searchCount reads every account below base, checks that there are
// searchEntries, and returns how long it took.
func searchCount(b *testing.B, d connectors.Directory, base string) time.Duration {
	n := 0
	t0 := time.Now()
	err := d.Search(context.Background(), connectors.SearchRequest{
		BaseDN:     base,
		Filter:     connectors.Eq("objectClass", "user"),
		Attributes: []string{"sAMAccountName", "givenName", "sn", "displayName", "title", "department"},
	}, func(*connectors.Entry) error { n++; return nil })
	d0 := time.Since(t0)
	if err != nil {
		b.Fatal(err)
	}
	if n != searchEntries {
		b.Fatalf("searched %d entries, want %d", n, searchEntries)
	}
	return d0
}

const searchEntries = 10_000

// BenchmarkSearch10k searches 10,000 accounts of the in-memory twin, once
// compiled in and once in a plugin process holding the same accounts,
// alternating in each iteration, and reports both times and their ratio.
// The twin answers from memory, so this is the bridge's cost at its most
// visible; against a real directory the search itself dominates (see
// BenchmarkSambaSearch10k).
func BenchmarkSearch10k(b *testing.B) {
	local := inmem.MustNew(inmem.Options{BaseDN: testBase})
	fill(b, local, testBase, searchEntries)
	tp := newTestPlugin(b, "directory")
	remote, err := OpenDirectory(context.Background(), tp.path, tp.opts)
	if err != nil {
		b.Fatal(err)
	}
	defer remote.Close()
	fill(b, remote, testBase, searchEntries)
	compare(b, func() time.Duration { return searchAll(b, local) }, func() time.Duration { return searchAll(b, remote) })
}

// compare runs baseline and plugin in turn b.N times and reports the
// medians and their ratio.
func compare(b *testing.B, baseline, plugin func() time.Duration) {
	var base, plug []time.Duration
	b.ResetTimer()
	for range b.N {
		base = append(base, baseline())
		plug = append(plug, plugin())
	}
	b.StopTimer()
	report(b, base, plug)
}

// report reports the medians of the baseline's and the plugin's times and
// their ratio.
func report(b *testing.B, base, plug []time.Duration) {
	mb, mp := median(base), median(plug)
	b.ReportMetric(float64(mb.Microseconds())/1000, "in-process-ms")
	b.ReportMetric(float64(mp.Microseconds())/1000, "plugin-ms")
	b.ReportMetric(float64(mp)/float64(mb), "ratio")
}

func median(ds []time.Duration) time.Duration { return percentile(ds, 50) }

func percentile(ds []time.Duration, p int) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[min(len(s)-1, len(s)*p/100)]
}

// BenchmarkSmallCall is the cost of one small call across the boundary:
// reading one account by id, compiled in and through the plugin, with the
// median and 99th percentile of each.
func BenchmarkSmallCall(b *testing.B) {
	ctx := context.Background()
	local := inmem.MustNew(inmem.Options{BaseDN: testBase})
	fill(b, local, testBase, 1)
	tp := newTestPlugin(b, "directory")
	remote, err := OpenDirectory(ctx, tp.path, tp.opts)
	if err != nil {
		b.Fatal(err)
	}
	defer remote.Close()
	fill(b, remote, testBase, 1)
	idOf := func(d connectors.Directory) connectors.ID {
		e, err := d.ReadDN(ctx, "CN=Bench Person 00000,OU=Bench,"+testBase, nil)
		if err != nil {
			b.Fatal(err)
		}
		return e.ID
	}
	lid, rid := idOf(local), idOf(remote)
	var lt, rt []time.Duration
	b.ResetTimer()
	for range b.N {
		t0 := time.Now()
		if _, err := local.Read(ctx, lid, []string{"sAMAccountName"}); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		if _, err := remote.Read(ctx, rid, []string{"sAMAccountName"}); err != nil {
			b.Fatal(err)
		}
		lt, rt = append(lt, t1.Sub(t0)), append(rt, time.Since(t1))
	}
	b.StopTimer()
	b.ReportMetric(float64(median(lt).Nanoseconds())/1000, "in-process-p50-µs")
	b.ReportMetric(float64(percentile(lt, 99).Nanoseconds())/1000, "in-process-p99-µs")
	b.ReportMetric(float64(median(rt).Nanoseconds())/1000, "plugin-p50-µs")
	b.ReportMetric(float64(percentile(rt, 99).Nanoseconds())/1000, "plugin-p99-µs")
}

// BenchmarkPayrollSnapshot50k takes the snapshot of the 50,000-person
// synthetic municipality (synth.Municipal) from the file payroll
// connector, compiled in and through a plugin process, alternating in
// each iteration, and reports both medians and their ratio. Before each
// iteration a new day's delivery (the same records) is written, so both
// connectors read and parse it afresh, as they do once a day in
// production.
func BenchmarkPayrollSnapshot50k(b *testing.B) {
	mu, err := synth.Generate(synth.Municipal(timeline.MustParseDate("2026-12-01")))
	if err != nil {
		b.Fatal(err)
	}
	snap, _ := intake.WithNationalIDs(mu.Payroll)
	pay, err := intake.ExportPayroll(snap)
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	day := timeline.MustParseDate("2026-01-01")
	if err := payrollfile.Write(dir, day, pay); err != nil {
		b.Fatal(err)
	}
	local, err := payrollfile.Open(dir, payrollfile.Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	defer local.Close()
	tp := newTestPlugin(b, "payrollfile", payrollDirEnv+"="+dir)
	remote, err := OpenPayroll(context.Background(), tp.path, tp.opts)
	if err != nil {
		b.Fatal(err)
	}
	defer remote.Close()
	want := len(pay.Units) + len(pay.Persons) + len(pay.Engagements) + len(pay.Leaves)
	take := func(p connectors.Payroll) time.Duration {
		t0 := time.Now()
		s, err := p.Snapshot(context.Background())
		d := time.Since(t0)
		if err != nil {
			b.Fatal(err)
		}
		if n := len(s.Units) + len(s.Persons) + len(s.Engagements) + len(s.Leaves); n != want {
			b.Fatalf("snapshot of %d records, want %d", n, want)
		}
		return d
	}
	var base, plug []time.Duration
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		day = day.AddDays(1)
		if err := payrollfile.Write(dir, day, pay); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		base = append(base, take(local))
		plug = append(plug, take(remote))
	}
	b.StopTimer()
	report(b, base, plug)
}
