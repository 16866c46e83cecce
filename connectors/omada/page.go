package omada

import (
	"encoding/json"
	"errors"
	"io"
	"strconv"

	"github.com/orgsync/orgsync/connectors"
)

// envelope is an OData page: {"@odata.context": …, "value": [ … ],
// "@odata.nextLink": …}.
type envelope struct {
	Value    []json.RawMessage `json:"value"`
	NextLink string            `json:"@odata.nextLink"`
}

// decodePage reads one page from r. A body that is not an OData page is a
// *ResponseError (its Page left for the caller to set); an error reading
// r is returned as it is.
func decodePage(r io.Reader, pg *envelope) error {
	*pg = envelope{}
	dec := json.NewDecoder(r)
	if err := dec.Decode(pg); err != nil {
		var (
			syntax *json.SyntaxError
			typ    *json.UnmarshalTypeError
		)
		switch {
		case errors.As(err, &syntax):
			return &ResponseError{Offset: syntax.Offset, Err: err}
		case errors.As(err, &typ):
			return &ResponseError{Offset: typ.Offset, Err: errors.New("not an OData page: " + err.Error())}
		case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
			return &ResponseError{Offset: dec.InputOffset(), Err: io.ErrUnexpectedEOF}
		}
		return err
	}
	if pg.Value == nil {
		return &ResponseError{Err: errors.New(`not an OData page: no "value" list`)}
	}
	if _, err := dec.Token(); err != io.EOF {
		if err == nil || isSyntax(err) {
			return &ResponseError{Offset: dec.InputOffset(), Err: errors.New("data after the page")}
		}
		return err
	}
	return nil
}

func isSyntax(err error) bool {
	var syntax *json.SyntaxError
	return errors.As(err, &syntax)
}

// poll is the state of one poll: what it has delivered so far, and the
// keys seen, so that a record delivered twice (a row that moved between
// pages while they were read) is reported, not delivered twice.
type poll struct {
	m       *mapping
	snap    connectors.IdentitySnapshot
	skipped []connectors.SkippedRecord
	seen    map[string]string // key → where it was first
	fields  []bool            // per m.all: some record had it
}

func newPoll(m *mapping) *poll {
	return &poll{m: m, seen: map[string]string{}, fields: make([]bool, len(m.all)),
		snap: connectors.IdentitySnapshot{Identities: []connectors.Identity{}, ServiceAccounts: []connectors.ServiceAccount{}}}
}

// add maps the records of page n, skipping and noting the malformed.
func (p *poll) add(n int, records []json.RawMessage) {
	for i, raw := range records {
		where := "page " + strconv.Itoa(n) + ", record " + strconv.Itoa(i+1)
		rec, err := decodeRecord(raw)
		if err != nil {
			p.skip(where, "", "", err.Error())
			continue
		}
		p.m.present(rec, p.fields)
		r, prob := p.m.record(rec)
		if prob != nil {
			p.skip(where, r.key, prob.field, prob.problem)
			continue
		}
		seenKey := r.key // identities and service accounts may share keys, as the contract allows
		if r.service != nil {
			seenKey = "service\x00" + r.key
		}
		if first, dup := p.seen[seenKey]; dup {
			p.skip(where, r.key, p.m.key.name, "a second record with this key (the first is at "+first+", and is the one delivered)")
			continue
		}
		p.seen[seenKey] = where
		if r.service != nil {
			p.snap.ServiceAccounts = append(p.snap.ServiceAccounts, *r.service)
		} else {
			p.snap.Identities = append(p.snap.Identities, r.identity)
		}
	}
}

// skip notes a record left out. Every row of the view is an identity in
// Omada's terms, AD robots included.
func (p *poll) skip(where, key, field, problem string) {
	p.skipped = append(p.skipped, connectors.SkippedRecord{Where: where, Kind: "identity", Key: key, Field: field, Problem: problem})
}

// decodeRecord decodes one record of a page's value list.
func decodeRecord(raw json.RawMessage) (map[string]json.RawMessage, error) {
	if len(raw) == 0 || raw[0] != '{' {
		return nil, errors.New("the record is not a JSON object")
	}
	rec := make(map[string]json.RawMessage, 32)
	if err := json.Unmarshal(raw, &rec); err != nil {
		return nil, errors.New("the record is not a JSON object")
	}
	return rec, nil
}

// missing returns the configured fields that no record of the poll had.
func (p *poll) missing() []string {
	var out []string
	if len(p.seen) == 0 {
		return nil
	}
	for i, had := range p.fields {
		if !had {
			out = append(out, p.m.all[i])
		}
	}
	return out
}

// result returns the poll's snapshot.
func (p *poll) result() *connectors.IdentitySnapshot {
	s := p.snap
	s.Skipped = connectors.CapSkipped(p.skipped)
	return &s
}
