package opus_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/orgsync/orgsync/connectors/opus"
)

// Reading a folder of OPUS dumps: the snapshot of the latest, then the
// changes the next dump brings.
func Example() {
	dir, _ := os.MkdirTemp("", "opus-example-")
	defer os.RemoveAll(dir)
	write := func(name, employees string) {
		doc := `<?xml version="1.0" encoding="utf-8"?>
<kmd>
 <orgUnit id="1" client="813" lastChanged="2026-11-01">
  <startDate>1900-01-01</startDate><endDate>9999-12-31</endDate><parentOrgUnit/>
  <longName>Sjølund Kommune</longName>
 </orgUnit>
` + employees + "</kmd>\n"
		os.WriteFile(filepath.Join(dir, name), []byte(doc), 0o600)
	}
	write("ZLPE20261101030000.xml", ` <employee id="1001" client="813" lastChanged="2026-11-01">
  <entryDate>2015-03-01</entryDate><leaveDate/><cpr suppId="0">0102721234</cpr>
  <firstName>Søren</firstName><lastName>Ærbø</lastName><position>Lærer</position>
  <isManager>false</isManager><orgUnit>1</orgUnit><numerator>37 </numerator><denominator>37 </denominator>
 </employee>
`)
	c, err := opus.Open(opus.Config{Dir: dir}, opus.Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()
	ctx := context.Background()
	snap, _ := c.Snapshot(ctx)
	for _, e := range snap.Engagements {
		fmt.Println(e.Key, e.JobFunction, e.Fraction, e.Valid)
	}

	// A week later, the employee has left.
	write("ZLPE20261108030000.xml", ` <employee id="1001" client="813" action="leave"/>
`)
	page, _ := c.Changes(ctx, snap.Token)
	for _, e := range page.Engagements {
		fmt.Println(e.Key, e.JobFunction, e.Valid)
	}
	// Output:
	// 1001 Lærer 1 [2015-03-01, ∞)
	// 1001 Lærer [2015-03-01, 2026-11-08)
}
