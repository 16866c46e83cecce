package plugin

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/connectors/inmem"
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
		_, err := c.Create(ctx, connectors.CreateRequest{DN: dn, Attributes: []connectors.Attribute{
			{Name: "objectClass", Values: []string{"user"}},
			{Name: "sAMAccountName", Values: []string{fmt.Sprintf("bp%05d", i)}},
			{Name: "givenName", Values: []string{"Bench"}},
			{Name: "sn", Values: []string{fmt.Sprintf("Person %05d", i)}},
			{Name: "displayName", Values: []string{fmt.Sprintf("Bench Person %05d", i)}},
			{Name: "title", Values: []string{"Pædagog"}},
			{Name: "department", Values: []string{"Børn og Unge"}},
		}})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// searchAll reads every account below base and returns how many it read.
func searchAll(b *testing.B, d connectors.Directory) time.Duration {
	n := 0
	t0 := time.Now()
	err := d.Search(context.Background(), connectors.SearchRequest{
		BaseDN:     "OU=Bench," + testBase,
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
