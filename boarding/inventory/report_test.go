package inventory_test

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/boarding/inventory"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// stock registers ready assets of the kind with the serials.
func stock(t *testing.T, inv *inventory.Inventory, kind string, serials ...string) {
	t.Helper()
	for _, sn := range serials {
		a, err := inv.Register(bg, kind, sn, "it", "")
		require.NoError(t, err)
		_, err = inv.Do(bg, a.ID, inventory.Change{Action: inventory.Prepare, By: "it"})
		require.NoError(t, err)
	}
}

func TestOutstandingByUnitCSV(t *testing.T) {
	inv, s := newInventory(t)
	stock(t, inv, "pc", "PC-1", "PC-2", "PC-3")
	stock(t, inv, "telefon", "=HYPERLINK(1)")
	skole := uuid.MustParse("5c000000-0000-0000-0000-000000000001")
	hjem := uuid.MustParse("9e000000-0000-0000-0000-000000000002")
	anna, bo := uuid.MustParse("a0000000-0000-0000-0000-00000000000a"), uuid.MustParse("b0000000-0000-0000-0000-00000000000b")
	order := uuid.MustParse("0d000000-0000-0000-0000-000000000003")
	day := timeline.MustDate(2027, 3, 1)
	_, err := inv.HandOut(bg, "pc", anna, hjem, order, day.AddDays(-10), "boarding") // PC-1, overdue
	require.NoError(t, err)
	_, err = inv.HandOut(bg, "telefon", anna, hjem, order, timeline.Open, "boarding")
	require.NoError(t, err)
	_, err = inv.HandOut(bg, "pc", bo, skole, uuid.Nil, day, "boarding") // PC-2, due today
	require.NoError(t, err)

	r, err := inventory.OutstandingByUnit(bg, s, day)
	require.NoError(t, err)
	require.Len(t, r.Units, 2)
	assert.Equal(t, skole, r.Units[0].Unit, "units by id")
	assert.Equal(t, 0, r.Units[0].Overdue)
	assert.Equal(t, 1, r.Units[1].Overdue)

	var buf bytes.Buffer
	require.NoError(t, inventory.WriteCSV(&buf, r))
	want := "\ufeff" + strings.Join([]string{
		"unit;kind;serial;asset;holder;order;handed_out;expected_return;overdue;days_overdue",
		"5c000000-0000-0000-0000-000000000001;pc;PC-2;" + r.Units[0].Lines[0].Asset.ID.String() + ";b0000000-0000-0000-0000-00000000000b;;2027-01-15T09:30:00Z;2027-03-01;false;0",
		"9e000000-0000-0000-0000-000000000002;pc;PC-1;" + r.Units[1].Lines[0].Asset.ID.String() + ";a0000000-0000-0000-0000-00000000000a;0d000000-0000-0000-0000-000000000003;2027-01-15T09:30:00Z;2027-02-19;true;10",
		"9e000000-0000-0000-0000-000000000002;telefon;'=HYPERLINK(1);" + r.Units[1].Lines[1].Asset.ID.String() + ";a0000000-0000-0000-0000-00000000000a;0d000000-0000-0000-0000-000000000003;2027-01-15T09:30:00Z;;false;0",
	}, "\r\n") + "\r\n"
	assert.Equal(t, want, buf.String())

	cr := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), "\ufeff")))
	cr.Comma = ';'
	recs, err := cr.ReadAll()
	require.NoError(t, err, "it reads back as CSV")
	assert.Len(t, recs, 4)
	for _, rec := range recs {
		assert.Len(t, rec, len(inventory.CSVHeader))
	}
}

func TestOutstandingByUnitEdges(t *testing.T) {
	inv, s := newInventory(t)
	r, err := inventory.OutstandingByUnit(bg, s, timeline.MustDate(2027, 3, 1))
	require.NoError(t, err)
	assert.Empty(t, r.Units, "nothing out")
	var buf bytes.Buffer
	require.NoError(t, inventory.WriteCSV(&buf, r))
	assert.Equal(t, "\ufeffunit;kind;serial;asset;holder;order;handed_out;expected_return;overdue;days_overdue\r\n", buf.String())

	_, err = inventory.OutstandingByUnit(bg, s, timeline.Open)
	var ie *inventory.InvalidError
	require.ErrorAs(t, err, &ie, "Open is no day")

	stock(t, inv, "pc", "PC-1", "PC-2")
	_, err = inv.HandOut(bg, "pc", uuid.New(), uuid.Nil, uuid.Nil, timeline.MustDate(2027, 2, 28), "boarding")
	require.NoError(t, err)
	returned, err := inv.HandOut(bg, "pc", uuid.New(), uuid.Nil, uuid.Nil, timeline.MustDate(2027, 2, 1), "boarding")
	require.NoError(t, err)
	inv.Now = func() time.Time { return t0.Add(time.Hour) }
	_, err = inv.Return(bg, returned.ID, "it", "")
	require.NoError(t, err)
	r, err = inventory.OutstandingByUnit(bg, s, timeline.MustDate(2027, 3, 1))
	require.NoError(t, err)
	require.Len(t, r.Units, 1, "a returned asset is not outstanding")
	assert.Equal(t, uuid.Nil, r.Units[0].Unit, "handed out without a unit")
	require.Len(t, r.Units[0].Lines, 1)
	assert.Equal(t, 1, r.Units[0].Lines[0].DaysOverdue)
}
