package opus

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/xml"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// benchEmployees is the size of the municipality of the benchmark.
const benchEmployees = 50000

var (
	benchFirst = []string{"Søren", "Åse", "Jørgen", "Mette", "Kåre", "Ida", "Bjørk", "Lærke", "Mads", "Ærle", "Anne", "Niels"}
	benchLast  = []string{"Ærbø", "Ødegård", "Blåbær", "Kjærgård", "Sørensen", "Møller", "Nielsen", "Østergaard", "Jensen", "Højgaard"}
	benchJobs  = []string{"Social- og sundhedsassistent", "Lærer", "Pædagog", "Sygeplejerske", "Ingeniør", "Køkkenassistent", "Skoleleder"}
)

// writeBenchDump writes a dump of n employees in 1,000 units; version 2
// is version 1 a week later: 1% left (bare leave), 1% vanished, 1% hired,
// 2% with a new position, 1% new managers, and 9 units moved.
func writeBenchDump(path string, n, version int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	w.WriteString("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<kmd>\n")
	const units = 1000
	for u := range units {
		parent := ""
		switch {
		case u == 0:
		case u < 10:
			parent = "1"
		case u < 100:
			parent = fmt.Sprint(1 + u%9 + 1)
		default:
			parent = fmt.Sprint(11 + u%90)
			if version == 2 && u%100 == 7 {
				parent = fmt.Sprint(11 + (u+1)%90)
			}
		}
		fmt.Fprintf(w, ` <orgUnit id="%d" client="813" lastChanged="2026-10-01">
  <startDate>1900-01-01</startDate>
  <endDate>9999-12-31</endDate>
  <parentOrgUnit>%s</parentOrgUnit>
  <shortName>E%d</shortName>
  <longName>Enhed %d Ældre og Sundhed</longName>
  <street>Torvet %d</street>
  <zipCode>4400</zipCode>
  <city>Kalundborg</city>
  <phoneNumber>59535353</phoneNumber>
  <cvrNr>29189919</cvrNr>
  <eanNr>5798007690012</eanNr>
  <seNr>29189919</seNr>
  <pNr>1003012345</pNr>
  <costCenter>%d</costCenter>
  <orgType>0000%d</orgType>
  <orgTypeTxt>Center</orgTypeTxt>
 </orgUnit>
`, u+1, parent, u, u, u, 10000+u, u%3)
	}
	for i := range n + n/100 {
		hired := i >= n
		if hired && version == 1 {
			break
		}
		if version == 2 && i%100 == 3 {
			continue // vanished
		}
		id := 100000 + i
		if version == 2 && i%100 == 5 {
			fmt.Fprintf(w, " <employee id=\"%d\" client=\"813\" action=\"leave\"/>\n", id)
			continue
		}
		job := benchJobs[i%len(benchJobs)]
		if version == 2 && i%50 == 9 {
			job = "Souschef"
		}
		manager := i%97 == 0 || version == 2 && i%100 == 11
		entry := fmt.Sprintf("%d-%02d-01", 1990+i%35, 1+i%12)
		if hired {
			entry = "2026-11-15"
		}
		fmt.Fprintf(w, ` <employee id="%d" client="813" lastChanged="2026-10-15">
  <entryDate>%s</entryDate>
  <leaveDate/>
  <cpr suppId="0">%02d%02d%02d%04d</cpr>
  <firstName>%s</firstName>
  <lastName>%s</lastName>
  <address>Skovvej %d</address>
  <postalCode>4400</postalCode>
  <city>Kalundborg</city>
  <country>DK</country>
  <workPhone/>
  <email>m%d@sjolund.dk</email>
  <userId/>
  <workContract>01</workContract>
  <workContractText>Månedsløn</workContractText>
  <positionId>%d</positionId>
  <position>%s</position>
  <positionShort>POS</positionShort>
  <isManager>%t</isManager>
  <superiorLevel>1</superiorLevel>
  <subordinateLevel>02</subordinateLevel>
  <orgUnit>%d</orgUnit>
  <payGradeText>LR 31</payGradeText>
  <numerator>%d </numerator>
  <denominator>37 </denominator>
 </employee>
`, id, entry, 1+i%28, 1+i/28%12, i/336%100, i%10000, benchFirst[i%len(benchFirst)], benchLast[i/7%len(benchLast)], i%200,
			i, 1000+i%50, job, manager, 1+i%units, 20+i%18)
	}
	w.WriteString("</kmd>\n")
	return errorsJoin(w.Flush(), f.Close())
}

func errorsJoin(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

// rawScan is the baseline: an encoding/xml token scan of the file, the
// least any reader of it does.
func rawScan(path string) (int, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	d := xml.NewDecoder(bytes.NewReader(b))
	n := 0
	for {
		_, err := d.RawToken()
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
		n++
	}
}

// BenchmarkChanges50k diffs two dumps of 50,000 employees with a cold
// cache (both read, parsed, merged, checked and compared), beside the
// baseline of a raw token scan of the same two files, and reports both
// and their ratio.
func BenchmarkChanges50k(b *testing.B) {
	dir := b.TempDir()
	one, two := filepath.Join(dir, "ZLPE20261101030000.xml"), filepath.Join(dir, "ZLPE20261108030000.xml")
	if err := writeBenchDump(one, benchEmployees, 1); err != nil {
		b.Fatal(err)
	}
	if err := writeBenchDump(two, benchEmployees, 2); err != nil {
		b.Fatal(err)
	}
	data, err := os.ReadFile(one)
	if err != nil {
		b.Fatal(err)
	}
	sum := sha256.Sum256(data)
	token := makeToken(filepath.Base(one), sum[:])
	st2, _ := os.Stat(two)
	b.Logf("dumps of %.1f and %.1f MB", float64(len(data))/1e6, float64(st2.Size())/1e6)
	ctx := context.Background()
	var raw, diff time.Duration
	b.ResetTimer()
	for b.Loop() {
		start := time.Now()
		for _, p := range []string{one, two} {
			if _, err := rawScan(p); err != nil {
				b.Fatal(err)
			}
		}
		raw += time.Since(start)

		start = time.Now()
		c, err := Open(Config{Dir: dir}, Options{Logger: slog.New(slog.DiscardHandler)})
		if err != nil {
			b.Fatal(err)
		}
		page, err := c.Changes(ctx, token)
		if err != nil {
			b.Fatal(err)
		}
		diff += time.Since(start)
		if len(page.Engagements) < benchEmployees/25 || len(page.Deleted) != 0 || len(page.Units) != 9 || len(page.Skipped) != 0 {
			b.Fatalf("%d engagements, %d units changed, %d deleted, %d skipped", len(page.Engagements), len(page.Units), len(page.Deleted), len(page.Skipped))
		}
		c.Close()
	}
	b.ReportMetric(raw.Seconds()/float64(b.N), "raw-s/op")
	b.ReportMetric(diff.Seconds()/float64(b.N), "changes-s/op")
	b.ReportMetric(float64(diff)/float64(raw), "ratio")
}
