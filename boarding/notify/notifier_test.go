package notify_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/boarding/notify"
	"github.com/orgsync/orgsync/boarding/outbox"
)

func TestNotifierQueuesOnceAndDigests(t *testing.T) {
	w := newWorld(t)
	rs := compile(t,
		notify.Rule{Name: "ny", Trigger: notify.PersonCreated, To: notify.Recipients{Manager: true}},
		notify.Rule{Name: "samlet", Trigger: notify.FutureHire, To: notify.Recipients{Addresses: []string{"it@sjolund.test"}}, Digest: notify.Duration(3 * time.Hour)},
	)
	store := outbox.NewMemStore()
	clock := t0
	n := &notify.Notifier{Rules: rs, Model: w.m, Outbox: store, Digests: store, Now: func() time.Time { return clock }}
	w.hire(t, "Per", "Prik", w.school, day("2027-03-01"), "Månedsløn")
	w.hire(t, "Pia", "Prik", w.school, day("2027-04-01"), "Månedsløn")
	evs := w.events(t)
	var queued, held, dups int
	for range 2 { // every event handled twice, as after a crash before the ack
		for _, e := range evs {
			rep, err := n.Handle(bg, e)
			require.NoError(t, err)
			queued, held, dups = queued+rep.Queued, held+rep.Held, dups+rep.Duplicates
		}
	}
	assert.Equal(t, 2, queued, "one person-created mail per person")
	assert.Equal(t, 2, held, "two future hires held for the digest")
	assert.Equal(t, 4, dups, "the second round queues nothing")

	clock = t0.Add(2 * time.Hour)
	rep, err := n.FlushDigests(bg)
	require.NoError(t, err)
	assert.Zero(t, rep.Digests, "the first notice is not 3 h old yet")
	clock = t0.Add(3 * time.Hour)
	rep, err = n.FlushDigests(bg)
	require.NoError(t, err)
	assert.Equal(t, 1, rep.Digests)
	all, _ := store.List(bg, 0, 10)
	require.Len(t, all, 3)
	d := all[2].Message
	assert.Equal(t, []string{"it@sjolund.test"}, addrs(d.To))
	assert.True(t, strings.HasPrefix(d.Subject, "2 beskeder fra orgsync: Kommende medarbejder: "), d.Subject)
	assert.Contains(t, d.Text, "Per Prik")
	assert.Contains(t, d.Text, "Pia Prik")
	assert.Contains(t, d.HTML, "<strong>Pia Prik</strong>", "the notices' HTML is kept, not escaped twice")
}
