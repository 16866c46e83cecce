package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/orgsync/orgsync/internal/shorten"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode"

	"github.com/orgsync/orgsync/chapel"
	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// peopleRule is the people file's format, as the usage and the README give
// it.
const peopleRule = `The people file says who has left, one account a row, as CSV with a header
line or as JSON lines (one object a line), with these columns or keys:
  sAMAccountName  the account (matched case-insensitively; required)
  employed        true or false: whether the person has an engagement now or
                  one that starts later
  left_on         the first day without an engagement, YYYY-MM-DD (required
                  when employed is false; with employed true, a registered
                  termination: employed until that day)
  unit            the unit of the last engagement, for unit_retention
  return_ou       the OU a returning account is moved to (default: the OU
                  its stamp recorded)
  service         true for a service account: the chapel never touches it
With the org model at hand, "orgsync reconcile" asks it through adsync's links
instead; the people file runs the chapel alone. An account the
file does not list is not linked, and the chapel leaves it alone.`

// personRow is one row of the people file.
type personRow struct {
	Username string `json:"sAMAccountName"`
	Employed bool   `json:"employed"`
	LeftOn   string `json:"left_on"`
	Unit     string `json:"unit"`
	ReturnOU string `json:"return_ou"`
	Service  bool   `json:"service"`

	line int   // where it is in the file
	err  error // what is wrong with it, if it could not be read
}

// personEntry is a checked row.
type personEntry struct {
	employed bool
	leftOn   timeline.Date
	hasLeft  bool // leftOn is set
	unit     string
	returnOU string
	service  bool
}

// peopleFile is a chapel.People over the people file: it matches an
// account by its sAMAccountName, case-insensitively.
type peopleFile struct {
	zone timeline.Zone
	by   map[string]personEntry
}

// Person says what the file says of the person of account a at instant now.
func (p *peopleFile) Person(_ context.Context, a chapel.Account, now time.Time) (chapel.Person, error) {
	e, ok := p.by[connectors.FoldCase(a.Username)]
	if !ok || a.Username == "" {
		return chapel.Person{}, nil
	}
	person := chapel.Person{Known: true, Unit: e.unit, ReturnOU: e.returnOU, Service: e.service}
	if e.hasLeft {
		person.LeftOn = e.leftOn
	}
	// A registered termination takes effect on left_on.
	person.Employed = e.employed && (!e.hasLeft || p.zone.Date(now) < e.leftOn)
	return person, nil
}

// readPeople reads a people file; the extension decides the format (.csv,
// or .jsonl, .ndjson and .json for JSON lines), and a file with another one
// is JSON lines if it starts with "{". Every problem is reported, each with
// its line.
func readPeople(path string, zone timeline.Zone) (*peopleFile, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return parsePeople(filepath.Base(path), data, zone)
}

// parsePeople reads the text of a people file called name.
func parsePeople(name string, data []byte, zone timeline.Zone) (*peopleFile, error) {
	var (
		rows []personRow
		err  error
	)
	switch ext := strings.ToLower(filepath.Ext(name)); {
	case ext == ".csv":
		rows, err = peopleCSV(data)
	case ext == ".jsonl", ext == ".ndjson", ext == ".json", bytes.HasPrefix(bytes.TrimSpace(data), []byte("{")):
		rows, err = peopleJSON(data)
	default:
		rows, err = peopleCSV(data)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	pf := &peopleFile{zone: zone, by: map[string]personEntry{}}
	first := map[string]int{}
	var errs []error
	for _, r := range rows {
		bad := func(format string, a ...any) {
			errs = append(errs, fmt.Errorf("%s:%d: "+format, append([]any{name, r.line}, a...)...))
		}
		if r.err != nil {
			bad("%v", r.err)
			continue
		}
		e := personEntry{employed: r.Employed, unit: r.Unit, returnOU: strings.TrimSpace(r.ReturnOU), service: r.Service}
		key := connectors.FoldCase(strings.TrimSpace(r.Username))
		switch {
		case key == "":
			bad("no sAMAccountName")
			continue
		case strings.ContainsFunc(key, unicode.IsControl):
			bad("sAMAccountName %q holds a control character", clip(r.Username))
			continue
		case first[key] != 0:
			bad("%s is listed twice (first on line %d)", r.Username, first[key])
			continue
		}
		first[key] = r.line
		if r.LeftOn != "" {
			d, err := timeline.ParseDate(strings.TrimSpace(r.LeftOn))
			if err != nil {
				bad("left_on %q is not a day (YYYY-MM-DD)", clip(r.LeftOn))
			}
			e.leftOn, e.hasLeft = d, err == nil
		} else if !r.Employed && !r.Service {
			bad("%s is not employed but has no left_on (the first day without an engagement)", r.Username)
		}
		if e.returnOU != "" {
			if _, err := connectors.ParseDN(e.returnOU); err != nil {
				bad("return_ou %q is not a DN", clip(e.returnOU))
			}
		}
		pf.by[key] = e
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return pf, nil
}

// peopleColumns are the CSV columns, by their folded header.
var peopleColumns = map[string]func(r *personRow, v string) error{
	"samaccountname": func(r *personRow, v string) error { r.Username = v; return nil },
	"employed":       func(r *personRow, v string) (err error) { r.Employed, err = parseBool(v); return err },
	"left_on":        func(r *personRow, v string) error { r.LeftOn = v; return nil },
	"unit":           func(r *personRow, v string) error { r.Unit = v; return nil },
	"return_ou":      func(r *personRow, v string) error { r.ReturnOU = v; return nil },
	"service":        func(r *personRow, v string) (err error) { r.Service, err = parseBool(v); return err },
}

func parseBool(v string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "", "false", "no", "0":
		return false, nil
	case "true", "yes", "1":
		return true, nil
	}
	return false, fmt.Errorf("%q is not true or false", clip(v))
}

// peopleCSV reads the CSV form: a header line naming the columns, then
// one row an account; lines starting with # are comments. A row's own
// problem is in its err; a problem of the whole file is returned.
func peopleCSV(data []byte) ([]personRow, error) {
	r := csv.NewReader(bytes.NewReader(data))
	r.Comment = '#'
	r.TrimLeadingSpace = true
	header, err := r.Read()
	if errors.Is(err, io.EOF) {
		return nil, errors.New("the file is empty (it needs a header line: sAMAccountName,employed,left_on,unit,return_ou,service)")
	}
	if err != nil {
		return nil, err
	}
	line, _ := r.FieldPos(0)
	set := make([]func(*personRow, string) error, len(header))
	seen := map[string]bool{}
	for i, h := range header {
		k := strings.ToLower(strings.TrimSpace(h))
		if set[i] = peopleColumns[k]; set[i] == nil {
			return nil, fmt.Errorf("line %d: unknown column %q (the columns are sAMAccountName, employed, left_on, unit, return_ou, service)", line, clip(h))
		}
		if seen[k] {
			return nil, fmt.Errorf("line %d: column %q twice", line, clip(h))
		}
		seen[k] = true
	}
	if !seen["samaccountname"] {
		return nil, fmt.Errorf("line %d: no sAMAccountName column (the header line names the columns)", line)
	}
	var rows []personRow
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return rows, nil
		}
		if err != nil {
			return nil, err // the line is in the error
		}
		row := personRow{}
		row.line, _ = r.FieldPos(0)
		for i, v := range rec {
			if err := set[i](&row, strings.TrimSpace(v)); err != nil && row.err == nil {
				row.err = fmt.Errorf("%s: %w", strings.TrimSpace(header[i]), err)
			}
		}
		rows = append(rows, row)
	}
}

// peopleJSON reads the JSON-lines form; blank lines are skipped.
func peopleJSON(data []byte) ([]personRow, error) {
	var rows []personRow
	for i, l := range bytes.Split(data, []byte("\n")) {
		if len(bytes.TrimSpace(l)) == 0 {
			continue
		}
		dec := json.NewDecoder(bytes.NewReader(l))
		dec.DisallowUnknownFields()
		var row personRow
		if err := dec.Decode(&row); err != nil {
			row = personRow{err: err}
		} else if dec.More() {
			row = personRow{err: errors.New("more than one JSON object")}
		}
		row.line = i + 1
		rows = append(rows, row)
	}
	if len(rows) == 0 {
		return nil, errors.New("the file is empty")
	}
	return rows, nil
}

// clip bounds outside text quoted in a message.
func clip(s string) string { return shorten.To(s, 80) }
