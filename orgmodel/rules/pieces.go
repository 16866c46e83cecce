package rules

import (
	"slices"

	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// cuts collects the days within a range on which something a rule reads
// changes. Between two cuts nothing does, so a rule decides each piece
// once, on its first day.
type cuts struct {
	r    timeline.Interval
	days []timeline.Date
}

func newCuts(r timeline.Interval) *cuts { return &cuts{r: r, days: []timeline.Date{r.From}} }

// add adds days; those outside the range are ignored.
func (c *cuts) add(days ...timeline.Date) {
	for _, d := range days {
		if c.r.From < d && d < c.r.To {
			c.days = append(c.days, d)
		}
	}
}

// pieces returns the range cut at the days added, in order.
func (c *cuts) pieces() []timeline.Interval {
	slices.Sort(c.days)
	c.days = slices.Compact(c.days)
	out := make([]timeline.Interval, len(c.days))
	for i, d := range c.days {
		to := c.r.To
		if i+1 < len(c.days) {
			to = c.days[i+1]
		}
		out[i] = timeline.Between(d, to)
	}
	return out
}

// builder assembles a desired history piece by piece; adjacent pieces with
// equal values merge.
type builder[V comparable] struct {
	spans []timeline.Span[V]
}

func (b *builder[V]) set(iv timeline.Interval, v V) {
	if n := len(b.spans); n > 0 && b.spans[n-1].To == iv.From && b.spans[n-1].Value == v {
		b.spans[n-1].To = iv.To
		return
	}
	b.spans = append(b.spans, timeline.Span[V]{Interval: iv, Value: v})
}

func (b *builder[V]) timeline() timeline.Timeline[V] { return timeline.MustNew(b.spans...) }
