package omada

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// path is a compiled field name: a record's field, and the property of
// the object it holds if one is named.
type path struct {
	name        string // as configured, for messages
	field, prop string
}

func newPath(s string) path {
	f, p, _ := strings.Cut(s, ".")
	return path{name: s, field: f, prop: p}
}

// mapping is what turns a record into an identity: the compiled Fields
// and the settings the records need.
type mapping struct {
	key, nationalID, givenNames, surname, unit, jobTitle, category path
	validFrom, validTo, guid, login                                path
	addresses                                                      []path
	addressTypes                                                   []string
	all                                                            []string // the fields named, for the poll's check

	asWritten  bool
	categories map[string]string
	service    []string
	trimZeros  bool
	zone       timeline.Zone
}

// newMapping compiles a validated configuration's mapping.
func newMapping(c *Config) *mapping {
	f := c.Fields.WithDefaults()
	zone := timeline.DefaultZone()
	if c.TimeZone != "" {
		zone, _ = timeline.LoadZone(c.TimeZone) // checked by Validate
	}
	m := &mapping{
		key: newPath(f.Key), nationalID: newPath(f.NationalID), givenNames: newPath(f.GivenNames), surname: newPath(f.Surname),
		unit: newPath(f.Unit), jobTitle: newPath(f.JobTitle), category: newPath(f.Category),
		validFrom: newPath(f.ValidFrom), validTo: newPath(f.ValidTo), guid: newPath(f.ObjectGUID), login: newPath(f.Login),
		asWritten: c.NationalIDForm == FormAsWritten, categories: c.Categories, service: c.ServiceCategories,
		trimZeros: c.TrimUnitZeros, zone: zone,
	}
	for _, a := range f.Addresses {
		m.addresses = append(m.addresses, newPath(a.Field))
		m.addressTypes = append(m.addressTypes, a.Type)
	}
	for _, p := range append([]path{m.key, m.nationalID, m.givenNames, m.surname, m.unit, m.jobTitle, m.category,
		m.validFrom, m.validTo, m.guid, m.login}, m.addresses...) {
		if p.field != "" && !slices.Contains(m.all, p.field) {
			m.all = append(m.all, p.field)
		}
	}
	return m
}

// present marks in had the fields of m.all that rec has.
func (m *mapping) present(rec map[string]json.RawMessage, had []bool) {
	for i, f := range m.all {
		if !had[i] {
			_, had[i] = rec[f]
		}
	}
}

// problem is why a record is skipped: the field at fault (as
// configured) and what is wrong, without the value.
type problem struct{ field, problem string }

// parsed is a record mapped: its key, and an identity or a service
// account.
type parsed struct {
	key      string
	identity connectors.Identity
	service  *connectors.ServiceAccount
}

// record maps one record. On a problem the parsed record has the key if
// it could be read.
func (m *mapping) record(rec map[string]json.RawMessage) (parsed, *problem) {
	var r parsed
	key, prob := m.text(rec, m.key, connectors.MaxKeyBytes)
	if prob != nil {
		return r, prob
	}
	if key == "" {
		return r, &problem{m.key.name, "empty: a record needs a key"}
	}
	r.key = key
	category, prob := m.text(rec, m.category, connectors.MaxFieldBytes)
	if prob != nil {
		return r, prob
	}
	if c, ok := m.categories[category]; ok {
		category = c
	}
	valid, prob := m.validity(rec)
	if prob != nil {
		return r, prob
	}
	unit, prob := m.text(rec, m.unit, connectors.MaxKeyBytes)
	if prob != nil {
		return r, prob
	}
	if m.trimZeros && unit != "" {
		if unit = strings.TrimLeft(unit, "0"); unit == "" {
			unit = "0"
		}
	}
	login, prob := m.text(rec, m.login, connectors.MaxFieldBytes)
	if prob != nil {
		return r, prob
	}
	guid, prob := m.objectGUID(rec)
	if prob != nil {
		return r, prob
	}
	if slices.Contains(m.service, category) {
		switch {
		case unit == "":
			return r, &problem{m.unit.name, "empty: a service account belongs to a unit"}
		case login == "":
			return r, &problem{m.login.name, "empty: a service account needs a logon name"}
		}
		r.service = &connectors.ServiceAccount{Key: key, Unit: unit, Login: login, ObjectGUID: guid, Valid: valid}
		return r, nil
	}
	id := connectors.Identity{Key: key, Unit: unit, Category: category, Valid: valid, ObjectGUID: guid, Login: login}
	if id.NationalID, prob = m.nationalIDOf(rec); prob != nil {
		return r, prob
	}
	for _, f := range []struct {
		p   path
		dst *string
	}{{m.givenNames, &id.GivenNames}, {m.surname, &id.Surname}, {m.jobTitle, &id.JobTitle}} {
		if *f.dst, prob = m.text(rec, f.p, connectors.MaxFieldBytes); prob != nil {
			return r, prob
		}
	}
	if strings.TrimSpace(id.GivenNames) == "" && strings.TrimSpace(id.Surname) == "" {
		name := m.surname.name
		if name == "" {
			name = m.givenNames.name
		}
		return r, &problem{name, "empty: the identity has no name"}
	}
	for i, p := range m.addresses {
		v, prob := m.text(rec, p, connectors.MaxFieldBytes)
		if prob != nil {
			return r, prob
		}
		if strings.TrimSpace(v) != "" {
			id.Addresses = append(id.Addresses, connectors.IdentityAddress{Type: m.addressTypes[i], Value: v})
		}
	}
	r.identity = id
	return r, nil
}

// text returns a field's text, checked as connectors.CheckText does; ""
// for a field that is missing, null or "" (Omada writes "" for no value),
// and for a path that is not configured.
func (m *mapping) text(rec map[string]json.RawMessage, p path, limit int) (string, *problem) {
	if p.field == "" {
		return "", nil
	}
	s, err := value(rec, p)
	if err == nil {
		err = connectors.CheckText(s, limit)
	}
	if err != nil {
		return "", &problem{p.name, err.Error()}
	}
	return s, nil
}

// value returns the text of the value at p in rec.
func value(rec map[string]json.RawMessage, p path) (string, error) {
	raw, ok := rec[p.field]
	if !ok {
		return "", nil
	}
	if p.prop != "" {
		switch {
		case isNull(raw):
			return "", nil
		case raw[0] != '{':
			return "", errors.New("not an object, so it has no property " + p.prop)
		}
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(raw, &obj); err != nil {
			return "", err
		}
		return scalar(obj[p.prop])
	}
	return scalar(raw)
}

func isNull(raw json.RawMessage) bool { return len(raw) == 0 || raw[0] == 'n' }

// scalar returns the text of a JSON value: a string as it is, a number
// as written, true or false; "" for null. An object gives its Value, or
// else its DisplayName, KeyValue or Id; a list is an error.
func scalar(raw json.RawMessage) (string, error) {
	if isNull(raw) {
		return "", nil
	}
	switch raw[0] {
	case '"':
		if s := raw[1 : len(raw)-1]; !slices.Contains(s, '\\') {
			return string(s), nil // the common case: nothing to unescape
		}
		var s string
		err := json.Unmarshal(raw, &s)
		return s, err
	case '{':
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(raw, &obj); err != nil {
			return "", err
		}
		for _, k := range [...]string{"Value", "DisplayName", "KeyValue", "Id"} {
			if v, ok := obj[k]; ok && !isNull(v) && v[0] != '{' {
				return scalar(v)
			}
		}
		return "", errors.New("an object without Value, DisplayName, KeyValue or Id: name its property (FIELD.Property)")
	case '[':
		return "", errors.New("a list, not a value")
	}
	return string(raw), nil // a number, true or false
}
