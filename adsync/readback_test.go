package adsync_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/adsync"
	"github.com/orgsync/orgsync/chapel"
	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/orgmodel"
)

func (f *runFx) readBack(drift string) *adsync.ReadBack {
	cfg := f.engConfig()
	cfg.Drift = drift
	eng, err := adsync.NewEngine(cfg, f.dir, f.links)
	if err != nil {
		panic(err)
	}
	return &adsync.ReadBack{Engine: eng, Model: f.o.m, Tokens: &adsync.MemTokens{}, Applier: f.rec.Applier, Now: f.rec.Now}
}

func readBackSync(t *testing.T, r *adsync.ReadBack) *adsync.ReadBackReport {
	t.Helper()
	rep, err := r.Sync(ctx)
	require.NoError(t, err)
	require.Empty(t, rep.Errors)
	return rep
}

func TestReadBackRecordsAccountsAndAddresses(t *testing.T) {
	f := newRunFx(t, chapel.Breaker{})
	f.reconcile(t)
	rb := f.readBack(adsync.DriftCorrect)
	rep := readBackSync(t, rb)
	assert.Len(t, rep.Recorded, 3)
	assert.Empty(t, rep.Drift)
	g := f.o.m.Latest().Today(f.now)
	accounts := g.Accounts(f.o.bo)
	require.Len(t, accounts, 1)
	id, _ := f.links.Link(f.o.bo)
	assert.Equal(t, orgmodel.AccountAttrs{System: adsync.System, Username: "boek", ExternalID: string(id), Person: f.o.bo}, accounts[0].AccountAttrs)
	addrs := g.Addresses(f.o.bo)
	require.Len(t, addrs, 1)
	assert.Equal(t, "bo.ek@example.org", addrs[0].Value)
	assert.Equal(t, "EMAIL", addrs[0].Type)

	// Nothing new: the second pass reads nothing and writes nothing.
	seq := f.o.m.Latest().Registration().Seq
	rep = readBackSync(t, rb)
	assert.Zero(t, rep.Changes)
	assert.Equal(t, seq, f.o.m.Latest().Registration().Seq)

	// A new address in AD reaches the model; the account is unchanged.
	require.NoError(t, f.dir.Modify(ctx, id, []connectors.Modification{{Op: connectors.ModReplace, Name: "mail", Values: []string{"bo.erik.ek@example.org"}}}))
	rep = readBackSync(t, rb)
	assert.Equal(t, 1, rep.Changes)
	addrs = f.o.m.Latest().Today(f.now).Addresses(f.o.bo)
	require.Len(t, addrs, 1)
	assert.Equal(t, "bo.erik.ek@example.org", addrs[0].Value)
	f.settled(t)
}

func TestReadBackDrift(t *testing.T) {
	for _, policy := range []string{adsync.DriftCorrect, adsync.DriftReport} {
		t.Run(policy, func(t *testing.T) {
			f := newRunFx(t, chapel.Breaker{})
			f.reconcile(t)
			rb := f.readBack(policy)
			readBackSync(t, rb)
			id, _ := f.links.Link(f.o.bo)
			require.NoError(t, f.dir.Modify(ctx, id, []connectors.Modification{{Op: connectors.ModReplace, Name: "title", Values: []string{"Skoleinspektør"}}}))
			rep := readBackSync(t, rb)
			require.Len(t, rep.Drift, 1)
			dr := rep.Drift[0]
			assert.Equal(t, f.o.bo, dr.Person)
			require.Len(t, dr.Ops, 1)
			assert.Equal(t, []adsync.Change{{Attribute: "title", Old: []string{"Skoleinspektør"}, New: []string{"Lærer"}}}, dr.Ops[0].Changes)
			e, err := f.dir.Read(ctx, id, []string{"title"})
			require.NoError(t, err)
			if policy == adsync.DriftCorrect {
				assert.True(t, dr.Corrected)
				assert.Equal(t, "Lærer", e.First("title"))
				f.settled(t)
			} else {
				assert.False(t, dr.Corrected)
				assert.Equal(t, "Skoleinspektør", e.First("title"), "reported, not touched")
			}
		})
	}
}

func TestReadBackNoticesDeletedAccounts(t *testing.T) {
	f := newRunFx(t, chapel.Breaker{})
	f.reconcile(t)
	rb := f.readBack(adsync.DriftCorrect)
	readBackSync(t, rb)
	id, _ := f.links.Link(f.o.bo)
	require.NoError(t, f.dir.Delete(ctx, id))
	rep := readBackSync(t, rb)
	require.Len(t, rep.Deleted, 1)
	assert.Equal(t, adsync.Deleted{Person: f.o.bo, Account: id, DN: "CN=Bo Erik Ek,OU=Skolen,OU=Kommune," + orgBase}, rep.Deleted[0])
	_, linked := f.links.Link(f.o.bo)
	assert.False(t, linked)
	g := f.o.m.Latest().Today(f.now)
	assert.Empty(t, g.Accounts(f.o.bo), "the model's account record ends today")
	assert.Empty(t, g.Addresses(f.o.bo))

	// Bo is still employed: the next run gives him a new account.
	rep2 := f.reconcile(t)
	assert.Len(t, rep2.Accounts.Created, 1)
	f.settled(t)
}
