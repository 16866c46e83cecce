package opus

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orgsync/orgsync/connectors"
)

// FuzzDump feeds the XML reader and the state built from what it reads
// anything: it never panics, a dump it reads gives a state that passes
// connectors.CheckPayroll, and no skipped record holds a CPR number in
// full. The seeds are the fixture dumps and a few edge cases; plain go
// test runs them.
func FuzzDump(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "folder", "*.xml"))
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range []string{
		"",
		"<kmd/>",
		"<kmd></kmd>",
		"<other/>",
		`<kmd><employee id="1" action="leave"/></kmd>`,
		`<kmd><orgUnit id="1"><startDate>2020-01-01</startDate><longName>A</longName><parentOrgUnit>1</parentOrgUnit></orgUnit></kmd>`,
		`<kmd><orgUnit id="1"><startDate>2020-01-01</startDate><longName>A</longName><parentOrgUnit>2</parentOrgUnit></orgUnit>` +
			`<orgUnit id="2"><startDate>2020-01-01</startDate><longName>B</longName><parentOrgUnit>1</parentOrgUnit></orgUnit></kmd>`,
		`<kmd><employee id="1"><entryDate>2020-01-01</entryDate><cpr>0101901234</cpr><cpr>0101901234</cpr></employee></kmd>`,
		`<kmd><employee id="1"><entryDate>2020-01-01</entryDate><leaveDate>2019-01-01</leaveDate></employee></kmd>`,
		`<kmd><person id="P"><cpr>0101901234</cpr><startDate>2000-01-01</startDate></person><absence id="L" employee="E"><startDate>2020-01-01</startDate></absence></kmd>`,
		`<kmd><employee id="1"><numerator>1,5</numerator><denominator>0</denominator></employee></kmd> <!-- end -->`,
		"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><kmd><orgUnit id=\"\xe6\"/></kmd>",
		`<kmd><orgUnit id="1"><startDate>2020-01-01<x/></startDate></orgUnit></kmd><kmd/>`,
		`<kmd><employee id="1"><entryDate>2020-01-01</entryDate>`,
		// Managers: a level of a sub level alone, one with a tab, one
		// over the bound.
		`<kmd><orgUnit id="1"><startDate>2020-01-01</startDate><longName>A</longName></orgUnit>` +
			`<employee id="1"><entryDate>2020-01-01</entryDate><cpr>0101901234</cpr><lastName>J</lastName><orgUnit>1</orgUnit>` +
			`<isManager>true</isManager><subordinateLevel>02</subordinateLevel></employee>` +
			`<employee id="2"><entryDate>2020-01-01</entryDate><cpr>0202901234</cpr><lastName>H</lastName><orgUnit>1</orgUnit>` +
			"<isManager>true</isManager><superiorLevel>1\t2</superiorLevel></employee>" +
			`<employee id="3"><entryDate>2020-01-01</entryDate><cpr>0303901234</cpr><lastName>K</lastName><orgUnit>1</orgUnit>` +
			`<isManager>true</isManager><superiorLevel>` + strings.Repeat("9", connectors.MaxFieldBytes) + `</superiorLevel></employee></kmd>`,
	} {
		f.Add([]byte(s))
	}
	prev := func() *dump {
		b, err := os.ReadFile(filepath.Join("testdata", "folder", "ZLPE20261101030000.xml"))
		if err != nil {
			f.Fatal(err)
		}
		d, err := parseDump(context.Background(), Dump{Name: "ZLPE20261101030000.xml"}, "t0", b)
		if err != nil {
			f.Fatal(err)
		}
		return d
	}()
	f.Fuzz(func(t *testing.T, data []byte) {
		d, ok := ParseName("ZLPE20261108030000.xml")
		if !ok {
			t.Fatal("the name")
		}
		p, err := parseDump(context.Background(), d, "t1", data)
		if err != nil {
			if _, ok := err.(*dumpError); !ok {
				t.Fatalf("not a dump error: %T %v", err, err)
			}
			return
		}
		for _, roots := range [][]string{nil, {"2"}} {
			for _, before := range []*dump{nil, prev} {
				st := build(p, before, roots)
				if err := connectors.CheckPayroll(&st.snap); err != nil {
					t.Fatalf("the state does not pass the check: %v", err)
				}
				if len(st.snap.Managers) != len(st.managers) {
					t.Fatalf("%d manager rows, %d managers", len(st.snap.Managers), len(st.managers))
				}
				for _, r := range st.skipped {
					if strings.Contains(r.String()+r.Key+r.Problem, "0101901234") {
						t.Fatalf("a CPR number in full: %s", r)
					}
				}
			}
		}
	})
}

// A dump that vanishes between the listing and the read is Transient:
// the next poll tries again.
func TestVanishedDumpIsTransient(t *testing.T) {
	c, err := Open(Config{Dir: t.TempDir()}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = c.load(context.Background(), "snapshot", Dump{Name: "ZLPE20261101030000.xml"})
	if connectors.KindOf(err) != connectors.Transient {
		t.Fatalf("got %v, want a Transient error", err)
	}
}
