package inventory_test

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/orgsync/orgsync/boarding/inventory"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

func ExampleInventory_HandOut() {
	ctx := context.Background()
	inv := &inventory.Inventory{
		Store: inventory.NewMemStore(),
		Now:   func() time.Time { return time.Date(2027, 3, 1, 8, 0, 0, 0, time.UTC) },
	}
	for _, serial := range []string{"PC-0042", "PC-0007"} {
		a, _ := inv.Register(ctx, "pc", serial, "it@sjolund.dk", "")
		inv.Do(ctx, a.ID, inventory.Change{Action: inventory.Prepare, By: "it@sjolund.dk"})
	}
	person, unit := uuid.New(), uuid.New()
	pc, err := inv.HandOut(ctx, "pc", person, unit, uuid.Nil, timeline.MustDate(2027, 8, 31), "boarding")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(pc.Serial, pc.Status, "due", pc.ExpectedReturn)

	_, err = inv.HandOut(ctx, "telefon", person, unit, uuid.Nil, timeline.Open, "boarding")
	fmt.Println(err)

	back, _ := inv.ReturnAll(ctx, person, "boarding", "fratræden")
	fmt.Println(len(back), "returned;", back[0].Serial, back[0].Status)
	// Output:
	// PC-0007 deployed due 2027-08-31
	// inventory: no telefon is ready to hand out
	// 1 returned; PC-0007 ready
}

func ExampleWriteCSV() {
	ctx := context.Background()
	s := inventory.NewMemStore()
	inv := &inventory.Inventory{Store: s, Now: func() time.Time { return time.Date(2027, 1, 4, 8, 0, 0, 0, time.UTC) }}
	card := &inventory.Asset{ID: uuid.MustParse("ca000000-0000-0000-0000-000000000019"), Kind: "adgangskort", Serial: "K-19", Status: inventory.Ready, Version: 1}
	s.Add(ctx, card, nil)
	unit := uuid.MustParse("5c000000-0000-0000-0000-000000000001")
	person := uuid.MustParse("a0000000-0000-0000-0000-00000000000a")
	inv.HandOut(ctx, "adgangskort", person, unit, uuid.Nil, timeline.MustDate(2027, 2, 26), "boarding")

	r, _ := inventory.OutstandingByUnit(ctx, s, timeline.MustDate(2027, 3, 1))
	var buf strings.Builder
	inventory.WriteCSV(&buf, r) // a BOM, ';' and CRLF: for Excel
	fmt.Print(strings.ReplaceAll(strings.TrimPrefix(buf.String(), "\ufeff"), "\r\n", "\n"))
	// Output:
	// unit;kind;serial;asset;holder;order;handed_out;expected_return;overdue;days_overdue
	// 5c000000-0000-0000-0000-000000000001;adgangskort;K-19;ca000000-0000-0000-0000-000000000019;a0000000-0000-0000-0000-00000000000a;;2027-01-04T08:00:00Z;2027-02-26;true;3
}
