package opus

import (
	"bufio"
	"encoding/xml"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// Write writes s as the dump of time t into folder dir, as
// DumpName(t), and returns the name. It writes a temporary file that no
// reader takes for a dump, syncs it and renames it, so that a reader
// never sees half a dump. It is for tests, demos and converters: KMD
// writes the real ones.
//
// Units are <orgUnit> elements and engagements <employee> elements, one a
// row; persons and leaves, which OPUS does not write, are orgsync's
// <person> and <absence> elements, so that every snapshot that passes
// connectors.CheckPayroll comes back from Snapshot as it was written,
// but for manager roles. OPUS holds a manager role only as isManager on
// an employee element: a manager row that is an engagement row's role
// (its key and engagement the engagement's, its unit, person, days and
// type — the position — the row's, its level "sup.sub" or empty) is
// written so, the rest are not written; [Held] says what comes back. An
// employee's <cpr> is its person's national id (of the person's first
// row). s is not checked: write only what passes CheckPayroll.
func Write(dir string, t time.Time, s *connectors.PayrollSnapshot) (string, error) {
	name := DumpName(t)
	tmp, err := os.CreateTemp(dir, ".opus-*.tmp")
	if err != nil {
		return "", err
	}
	defer os.Remove(tmp.Name())
	w := bufio.NewWriterSize(tmp, 1<<16)
	writeDump(w, s)
	err = errors.Join(w.Flush(), tmp.Sync(), tmp.Close())
	if err == nil {
		err = os.Rename(tmp.Name(), filepath.Join(dir, name))
	}
	if err != nil {
		return "", fmt.Errorf("opus: write %s: %w", name, err)
	}
	return name, nil
}

// writeDump writes the XML of s.
func writeDump(w *bufio.Writer, s *connectors.PayrollSnapshot) {
	x := xmlWriter{w}
	w.WriteString("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<kmd>\n")
	for _, u := range s.Units {
		x.open("orgUnit", "id", u.Key)
		x.dates("startDate", "endDate", u.Valid)
		x.field("parentOrgUnit", u.Parent)
		x.field("longName", u.Name)
		x.field("orgType", u.Level)
		x.field("orgTypeTxt", u.Type)
		w.WriteString(" </orgUnit>\n")
	}
	nid := map[string]connectors.NationalID{}
	names := map[string][2]string{}
	for _, p := range s.Persons {
		if _, ok := nid[p.Key]; !ok {
			nid[p.Key], names[p.Key] = p.NationalID, [2]string{p.GivenNames, p.Surname}
		}
		x.open("person", "id", p.Key)
		x.field("cpr", string(p.NationalID))
		x.field("firstName", p.GivenNames)
		x.field("lastName", p.Surname)
		x.dates("startDate", "endDate", p.Valid)
		w.WriteString(" </person>\n")
	}
	roles := map[connectors.PayrollManager]string{} // each role OPUS can hold, with its level taken out, to its level
	for _, m := range s.Managers {
		if _, _, ok := splitLevel(m.Level); ok {
			level := m.Level
			m.Level = ""
			roles[m] = level
		}
	}
	for _, e := range s.Engagements {
		x.open("employee", "id", e.Key)
		x.dates("entryDate", "leaveDate", e.Valid)
		x.field("cpr", string(nid[e.Person]))
		x.field("firstName", names[e.Person][0])
		x.field("lastName", names[e.Person][1])
		x.field("workContractText", e.Type)
		x.field("position", e.JobFunction)
		if level, ok := roles[managerRow(e, "")]; ok {
			sup, sub, _ := splitLevel(level)
			x.field("isManager", "true")
			x.field("superiorLevel", sup)
			x.field("subordinateLevel", sub)
		} else {
			x.field("isManager", "false")
		}
		x.field("orgUnit", e.Unit)
		num := "0"
		if e.Fraction != 0 {
			num = strconv.FormatFloat(e.Fraction, 'g', -1, 64)
		}
		x.field("numerator", num)
		x.field("denominator", "1")
		w.WriteString(" </employee>\n")
	}
	for _, l := range s.Leaves {
		x.open("absence", "id", l.Key, "employee", l.Engagement)
		x.field("type", l.Type)
		x.dates("startDate", "endDate", l.Valid)
		w.WriteString(" </absence>\n")
	}
	w.WriteString("</kmd>\n")
}

// splitLevel returns the superiorLevel and subordinateLevel that make a
// manager level as the reader makes it, and whether there are any: ""
// is no levels; otherwise the level must hold a "." and come back the
// same (levels are read with the spaces around them trimmed).
func splitLevel(level string) (sup, sub string, ok bool) {
	if level == "" {
		return "", "", true
	}
	sup, sub, found := strings.Cut(level, ".")
	if !found || (sup == "" && sub == "") || strings.TrimSpace(sup) != sup || strings.TrimSpace(sub) != sub {
		return "", "", false
	}
	return sup, sub, true
}

// Held returns what a dump that [Write] writes of s gives back from
// Snapshot: s with only the manager roles OPUS can hold (see Write). It
// changes s and returns it. It is the Project of the connector's fixture
// for connectortest.TestPayroll.
func Held(s *connectors.PayrollSnapshot) *connectors.PayrollSnapshot {
	rows := map[connectors.PayrollManager]bool{}
	for _, e := range s.Engagements {
		rows[managerRow(e, "")] = true
	}
	s.Managers = slices.DeleteFunc(s.Managers, func(m connectors.PayrollManager) bool {
		_, _, ok := splitLevel(m.Level)
		m.Level = ""
		return !ok || !rows[m]
	})
	return s
}

// xmlWriter writes the elements of a dump.
type xmlWriter struct{ w *bufio.Writer }

// open writes a record's start tag with its attributes, name and value
// in turn.
func (x xmlWriter) open(name string, attrs ...string) {
	x.w.WriteString(" <" + name)
	for i := 0; i+1 < len(attrs); i += 2 {
		x.w.WriteString(" " + attrs[i] + `="`)
		xml.EscapeText(x.w, []byte(attrs[i+1]))
		x.w.WriteString(`"`)
	}
	x.w.WriteString(">\n")
}

// field writes a field; an empty value is an empty element.
func (x xmlWriter) field(name, v string) {
	if v == "" {
		x.w.WriteString("  <" + name + "/>\n")
		return
	}
	x.w.WriteString("  <" + name + ">")
	xml.EscapeText(x.w, []byte(v))
	x.w.WriteString("</" + name + ">\n")
}

// dates writes an interval as OPUS does: the first day and the last,
// 9999-12-31 for no end.
func (x xmlWriter) dates(first, last string, iv timeline.Interval) {
	x.field(first, iv.From.String())
	end := "9999-12-31"
	if d, ok := timeline.LastDay(iv.To); ok {
		end = d.String()
	}
	x.field(last, end)
}
