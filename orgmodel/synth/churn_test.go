package synth_test

import (
	"context"
	"testing"
	"time"

	om "github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/synth"
)

// TestChurnAppliesDayAfterDay registers two weeks of churn, each day's
// change set accepted by the model as it is; with a lead, hires start
// after the day they are registered; the same seed gives the same days.
func TestChurnAppliesDayAfterDay(t *testing.T) {
	ops := func(lead int) (counts []int, future int) {
		mu := generate(t, synth.Small(today))
		m := om.New(om.Options{})
		at := time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC)
		if err := mu.Load(context.Background(), m, at); err != nil {
			t.Fatal(err)
		}
		g := synth.NewChurn(mu, today, 7)
		g.Lead = lead
		for i := 1; i <= 14; i++ {
			d := today.AddDays(i)
			cs := g.Day(m.Latest(), d)
			counts = append(counts, len(cs.Ops()))
			for _, op := range cs.Ops() {
				if op.Type == om.OpCreate && op.Object.Kind == om.KindEngagement && op.Object.Timeline.Span(0).From > d {
					future++
				}
			}
			if _, err := m.Apply(context.Background(), cs, om.Registration{Time: at.AddDate(0, 0, i), Actor: "churn"}); err != nil {
				t.Fatalf("lead %d, day %s: %v", lead, d, err)
			}
		}
		return counts, future
	}
	a, none := ops(0)
	b, _ := ops(0)
	if len(a) != 14 || a[0] < 30 {
		t.Fatalf("days' operations %v: want 14 days of 30 or more", a)
	}
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("the same seed gave %v and %v", a, b)
		}
	}
	if none != 0 {
		t.Errorf("without a lead, %d hires start after their day", none)
	}
	if _, future := ops(30); future == 0 {
		t.Error("with a lead of 30 days, no hire starts after the day it is registered")
	}
}
