package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/boarding"
	"github.com/orgsync/orgsync/boarding/boardingdb"
	"github.com/orgsync/orgsync/boarding/boardingtest"
	"github.com/orgsync/orgsync/statedb"
)

// ordersFixture is a state database holding three orders: parked (a
// pending hire's onboarding), active (a mover's change, one task done)
// and partially fulfilled (an offboarding, one task refused).
type ordersFixture struct {
	url, key                string
	parked, active, partial *boarding.Order
	// logs are the orders' audit logs as written, by id.
	logs map[uuid.UUID][]boarding.AuditEntry
	// person is the mover's and the leaver's; unit the parked and the
	// partial order's.
	person, unit uuid.UUID
}

// t0 is when the fixture's orders are placed: 10:30 in Copenhagen.
var ordersT0 = time.Date(2027, 1, 15, 9, 30, 0, 0, time.UTC)

func newOrdersFixture(t *testing.T) *ordersFixture {
	t.Helper()
	dir := t.TempDir()
	f := &ordersFixture{url: "sqlite:" + filepath.Join(dir, "orgsync.db"), key: filepath.Join(dir, "db.key"),
		logs: map[uuid.UUID][]boarding.AuditEntry{}, person: uuid.New(), unit: uuid.New()}
	require.NoError(t, os.WriteFile(f.key, []byte(statedb.GenerateKey()), 0o600))
	ctx := context.Background()
	db, err := openStateDB(ctx, f.url, f.key)
	require.NoError(t, err)
	defer db.Close()
	store := boardingdb.New(db)
	must := func(log []boarding.AuditEntry, err error) []boarding.AuditEntry {
		t.Helper()
		require.NoError(t, err)
		return log
	}
	hr := boarding.Actor{Name: "hr@sjolund.dk"}
	readBack := boarding.Actor{Name: "adsync read-back"}

	// Parked: the fixture's order as it is, with a reason someone typed a
	// CPR number into.
	o, log := boardingtest.Order("parked")
	o.Unit, o.Reason = f.unit, "erstatter 0101901234 i 3.b"
	f.parked, f.logs[o.ID] = o, log

	// Active: a mover, the account seen, activated, one task confirmed.
	o, log = boardingtest.Order("active")
	o.Kind, o.Person, o.Pending, o.Unit = boarding.Change, f.person, nil, uuid.New()
	o.Created = ordersT0.Add(time.Hour)
	at := o.Created.Add(time.Hour)
	log = append(log, must(o.Satisfy(boarding.AccountSeen, at, readBack, "aaor"))...)
	log = append(log, must(o.Do(boarding.Activate, at, boarding.Actor{Name: "boarding"}, ""))...)
	log = append(log, must(o.Close(o.Tasks[0].ID, boarding.Complete, at.Add(time.Hour), boarding.Actor{Name: "aula-admin@sjolund.dk"}, "oprettet"))...)
	f.active, f.logs[o.ID] = o, log

	// Partial: a leaver; the pc is not returned.
	o, log = boardingtest.Order("partial")
	o.Kind, o.Person, o.Pending, o.Unit = boarding.Offboard, f.person, nil, f.unit
	o.Created = ordersT0.Add(2 * time.Hour)
	o.Tasks[1].Action = boarding.Reclaim
	log = append(log, must(o.Satisfy(boarding.AccountSeen, o.Created, readBack, "aaor"))...)
	log = append(log, must(o.Do(boarding.Activate, o.Created, boarding.Actor{Name: "boarding"}, ""))...)
	log = append(log, must(o.Close(o.Tasks[0].ID, boarding.Complete, o.Created.Add(time.Hour), boarding.Actor{Name: "aula-admin@sjolund.dk"}, ""))...)
	log = append(log, must(o.Close(o.Tasks[1].ID, boarding.Refuse, o.Created.Add(2*time.Hour), hr, "pc'en er bortkommet; sag 0101901234"))...)
	require.Equal(t, boarding.PartiallyFulfilled, o.State)
	f.partial, f.logs[o.ID] = o, log

	for _, o := range []*boarding.Order{f.parked, f.active, f.partial} {
		require.NoError(t, store.Create(ctx, o, f.logs[o.ID]))
	}
	return f
}

// orders runs an orders command against the fixture's database.
func (f *ordersFixture) orders(args ...string) (string, string, int) {
	return orgsync(append(append([]string{"orders"}, args...), "--db", f.url, "--db-key-file", f.key)...)
}

// listed runs orders list --json and returns the ids, in order.
func (f *ordersFixture) listed(t *testing.T, args ...string) []uuid.UUID {
	t.Helper()
	out, errOut, status := f.orders(append([]string{"list", "--json"}, args...)...)
	require.Equal(t, 0, status, errOut)
	var ids []uuid.UUID
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		if l == "" {
			continue
		}
		var ol orderLine
		require.NoError(t, json.Unmarshal([]byte(l), &ol), l)
		ids = append(ids, ol.ID)
	}
	return ids
}

func TestOrdersListText(t *testing.T) {
	f := newOrdersFixture(t)
	out, errOut, status := f.orders("list")
	require.Equal(t, 0, status, errOut)
	assert.Empty(t, errOut)
	rows := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	require.Len(t, rows, 5, out)
	assert.Regexp(t, `^ID +KIND +STATE +PERSON +UNIT +START +CREATED +TASKS$`, rows[0])
	assert.Regexp(t, `^`+f.parked.ID.String()+` +onboard +parked +Åse Ørsted \(pending hire\) +`+f.unit.String()+` +2027-03-01 +2027-01-15 10:30 +0/2/2$`, rows[1])
	assert.Regexp(t, `^`+f.active.ID.String()+` +change +active +`+f.person.String()+` +`+f.active.Unit.String()+` +2027-03-01 +2027-01-15 11:30 +1/1/2$`, rows[2])
	assert.Regexp(t, `^`+f.partial.ID.String()+` +offboard +partially-fulfilled +`+f.person.String()+` +`+f.unit.String()+` +2027-03-01 +2027-01-15 12:30 +1/0/2$`, rows[3])
	assert.Equal(t, "3 orders", rows[4])
	// The columns line up: each row's state starts where the header's does.
	col := strings.Index(rows[0], "STATE")
	for _, r := range rows[1:4] {
		assert.Contains(t, []string{"parked", "active", "partially-fulfilled"}, strings.Fields(r[col:])[0])
	}
}

func TestOrdersListFilters(t *testing.T) {
	f := newOrdersFixture(t)
	p, a, x := f.parked.ID, f.active.ID, f.partial.ID
	for _, tc := range []struct {
		args []string
		want []uuid.UUID
	}{
		{nil, []uuid.UUID{p, a, x}},
		{[]string{"--open"}, []uuid.UUID{p, a}},
		{[]string{"--state", "parked"}, []uuid.UUID{p}},
		{[]string{"--state", "parked,active"}, []uuid.UUID{p, a}},
		{[]string{"--state", "active", "--state", "partially-fulfilled"}, []uuid.UUID{a, x}},
		{[]string{"--state", "fulfilled"}, nil},
		{[]string{"--open", "--state", "partially-fulfilled"}, nil},
		{[]string{"--kind", "offboard"}, []uuid.UUID{x}},
		{[]string{"--person", f.person.String()}, []uuid.UUID{a, x}},
		{[]string{"--unit", f.unit.String()}, []uuid.UUID{p, x}},
		{[]string{"--unit", f.unit.String(), "--open"}, []uuid.UUID{p}},
		{[]string{"--person", uuid.NewString()}, nil},
		{[]string{"--limit", "2"}, []uuid.UUID{p, a}},
		{[]string{"--limit", "0"}, []uuid.UUID{p, a, x}},
	} {
		assert.Equal(t, tc.want, f.listed(t, tc.args...), tc.args)
	}
	out, errOut, status := f.orders("list", "--limit", "1")
	require.Equal(t, 0, status)
	assert.Contains(t, out, "1 order\n")
	assert.Contains(t, errOut, "the first 1 orders the flags select, the oldest first; --limit 0 lists them all")
	out, _, status = f.orders("list", "--kind", "change")
	require.Equal(t, 0, status)
	assert.Contains(t, out, f.active.ID.String())
	assert.NotContains(t, out, f.parked.ID.String())
}

func TestOrdersListJSON(t *testing.T) {
	f := newOrdersFixture(t)
	out, errOut, status := f.orders("list", "--json")
	require.Equal(t, 0, status, errOut)
	var got []orderLine
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var ol orderLine
		require.NoError(t, json.Unmarshal([]byte(l), &ol), l)
		got = append(got, ol)
	}
	require.Len(t, got, 3)
	assert.Nil(t, got[0].Person, "a pending hire has no person yet")
	assert.Equal(t, "Åse Ørsted", got[0].PendingHire)
	assert.Equal(t, taskCounts{Done: 0, Open: 2, Total: 2}, got[0].Tasks)
	assert.Equal(t, "2027-03-01", got[0].Start)
	assert.True(t, got[0].Created.Equal(ordersT0))
	require.NotNil(t, got[1].Person)
	assert.Equal(t, f.person, *got[1].Person)
	assert.Empty(t, got[1].PendingHire)
	assert.Equal(t, boarding.Change, got[1].Kind)
	assert.Equal(t, taskCounts{Done: 1, Open: 1, Total: 2}, got[1].Tasks)
	assert.Equal(t, boarding.PartiallyFulfilled, got[2].State)
	assert.Equal(t, taskCounts{Done: 1, Open: 0, Total: 2}, got[2].Tasks)
	assert.Equal(t, f.unit, got[2].Unit)
}

func TestOrdersBadFlags(t *testing.T) {
	f := newOrdersFixture(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"list", "--state", "lost"}, `--state "lost": want one of draft, submitted, awaiting-attest, parked, active, fulfilled, partially-fulfilled, rejected, cancelled, expired`},
		{[]string{"list", "--state", "parked,"}, `--state "": want one of`},
		{[]string{"list", "--person", "42"}, `--person "42": want the person's UUID`},
		{[]string{"list", "--person", uuid.Nil.String()}, `want the person's UUID`},
		{[]string{"list", "--unit", "skoler"}, `--unit "skoler": want the unit's UUID`},
		{[]string{"list", "--kind", "hire"}, `--kind "hire": want onboard, change or offboard`},
		{[]string{"list", "--limit", "-1"}, "--limit cannot be negative"},
		{[]string{"list", "--limit", "many"}, `invalid value "many" for flag -limit`},
		{[]string{"list", f.parked.ID.String()}, "unexpected argument"},
		{[]string{"show"}, "give the order's ID"},
		{[]string{"show", "not-an-id"}, `"not-an-id" is not an order's id`},
		{[]string{"show", f.parked.ID.String(), f.active.ID.String()}, "one order at a time"},
		{[]string{"show", f.parked.ID.String(), "--open"}, "go with list"},
		{[]string{"show", f.parked.ID.String(), "--limit", "3"}, "go with list"},
		{[]string{"cancel", f.parked.ID.String()}, "usage: orgsync orders list"},
	} {
		out, errOut, status := f.orders(tc.args...)
		assert.Equal(t, 2, status, tc.args)
		assert.Empty(t, out, tc.args)
		assert.Contains(t, errOut, tc.want, tc.args)
	}

	_, errOut, status := orgsync("orders", "list")
	assert.Equal(t, 2, status)
	assert.Contains(t, errOut, "give --db URL")

	wrongKey := filepath.Join(t.TempDir(), "other.key")
	require.NoError(t, os.WriteFile(wrongKey, []byte(statedb.GenerateKey()), 0o600))
	_, errOut, status = orgsync("orders", "list", "--db", f.url, "--db-key-file", wrongKey)
	assert.Equal(t, 2, status, "a wrong key is the operator's to fix")
	assert.Contains(t, errOut, "orgsync orders list: --db: ")

	_, _, status = orgsync("orders", "-h")
	assert.Equal(t, 0, status)
}

func TestOrdersShowText(t *testing.T) {
	f := newOrdersFixture(t)
	out, errOut, status := f.orders("show", f.parked.ID.String())
	require.Equal(t, 0, status, errOut)
	assert.Equal(t, lines(
		"order "+f.parked.ID.String()+": onboard, parked",
		"key:           parked",
		"pending hire:  Åse Ørsted, employment number 42",
		"engagement:    -",
		"unit:          "+f.unit.String(),
		"job roles:     laerer, basis",
		"first day:     2027-03-01",
		"reason:        erstatter 010190-xxxx i 3.b",
		"ordered by:    stedfortraeder@sjolund.dk for soeren@sjolund.dk",
		"created:       2027-01-15 10:30",
		"updated:       2027-01-15 10:30",
		"expires:       2027-04-15 11:30",
		"version:       3",
		"",
		"prerequisites: 1 of 2 held",
		"PREREQUISITE     HELD SINCE        BY             EVIDENCE",
		"contract-signed  2027-01-15 10:30  hr@sjolund.dk  kontrakt 2027-117",
		"account-seen     not held          -              -",
		"",
		"tasks: 0 of 2 done",
		"TASK  ITEM         ACTION   BY    STATE    CLOSED  CLOSED BY  NOTE",
		"#1    aula/laerer  grant    mail  pending  -       -          -",
		"#2    pc x2        deliver  mail  pending  -       -          -",
		"",
		"timeline: 2 entries",
		"TIME                 ACTOR                                              EVENT   TASK  FROM → TO                 REASON",
		"2027-01-15 10:30:00  stedfortraeder@sjolund.dk (for soeren@sjolund.dk)  submit  -     draft → submitted         -",
		"2027-01-15 10:30:00  soeren@sjolund.dk                                  attest  -     awaiting-attest → parked  -",
	), out)
	assert.NotContains(t, out, "0101901234", "no CPR number is printed")

	out, errOut, status = f.orders("show", f.partial.ID.String())
	require.Equal(t, 0, status, errOut)
	assert.Contains(t, out, "order "+f.partial.ID.String()+": offboard, partially-fulfilled\n")
	assert.Regexp(t, `(?m)^person: +`+f.person.String()+`$`, out)
	assert.Regexp(t, `(?m)^items go on: +2027-03-01$`, out, "an offboarding's day is when the items go")
	assert.Contains(t, out, "prerequisites: 2 of 2 held\n")
	assert.Regexp(t, `(?m)^account-seen +2027-01-15 12:30 +adsync read-back +aaor$`, out)
	assert.Contains(t, out, "tasks: 1 of 2 done\n")
	assert.Regexp(t, `(?m)^#1 +aula/laerer +grant +mail +done +2027-01-15 13:30 +aula-admin@sjolund.dk +-$`, out)
	assert.Regexp(t, `(?m)^#2 +pc x2 +reclaim +mail +refused +2027-01-15 14:30 +hr@sjolund.dk +pc'en er bortkommet; sag 010190-xxxx$`, out)
	assert.Contains(t, out, "timeline: "+count(len(f.logs[f.partial.ID]), "entry", "entries")+"\n")
	assert.Regexp(t, `(?m)^2027-01-15 12:30:00 +adsync read-back +prerequisite +- +- → account-seen +aaor$`, out)
	assert.Regexp(t, `(?m)^2027-01-15 12:30:00 +boarding +activate +- +parked → active +-$`, out)
	assert.Regexp(t, `(?m)^2027-01-15 12:30:00 +boarding +send +#2 +pending → open +-$`, out)
	assert.Regexp(t, `(?m)^2027-01-15 14:30:00 +hr@sjolund.dk +refuse +#2 +open → refused +pc'en er bortkommet; sag 010190-xxxx$`, out)
	assert.Regexp(t, `(?m)^2027-01-15 14:30:00 +hr@sjolund.dk +fulfil-partly +- +active → partially-fulfilled +-$`, out)
	assert.NotContains(t, out, "0101901234")
}

func TestOrdersShowJSON(t *testing.T) {
	f := newOrdersFixture(t)
	out, errOut, status := f.orders("show", "--json", f.active.ID.String())
	require.Equal(t, 0, status, errOut)
	var got orderJSON
	require.NoError(t, json.Unmarshal([]byte(out), &got))
	require.NotNil(t, got.Order)
	assert.Equal(t, f.active.ID, got.Order.ID)
	assert.Equal(t, boarding.Active, got.Order.State)
	assert.Equal(t, f.person, got.Order.Person)
	require.Len(t, got.Order.Tasks, 2)
	assert.Equal(t, boarding.Done, got.Order.Tasks[0].State)
	assert.Equal(t, "oprettet", got.Order.Tasks[0].Note)
	log := f.logs[f.active.ID]
	require.Len(t, got.Timeline, len(log))
	for i := range log {
		assert.Equal(t, log[i].Event, got.Timeline[i].Event, i)
		assert.Equal(t, log[i].Task, got.Timeline[i].Task, i)
		assert.True(t, log[i].At.Equal(got.Timeline[i].At), i)
	}

	out, errOut, status = f.orders("show", f.parked.ID.String(), "--json")
	require.Equal(t, 0, status, errOut)
	require.NoError(t, json.Unmarshal([]byte(out), &got))
	assert.Equal(t, "erstatter 010190-xxxx i 3.b", got.Order.Reason, "the JSON is masked too")
	assert.NotContains(t, out, "0101901234")
	assert.Equal(t, "soeren@sjolund.dk", got.Timeline[0].ActingFor)
}

func TestOrdersShowUnknownID(t *testing.T) {
	f := newOrdersFixture(t)
	id := uuid.New()
	out, errOut, status := f.orders("show", id.String())
	assert.Equal(t, 1, status)
	assert.Empty(t, out)
	assert.Equal(t, "orgsync orders show: "+id.String()+": "+boarding.ErrNotFound.Error()+"\n", errOut)
}
