package omadatest

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// Publish makes the view hold exactly snap next, written as Omada writes
// records under the Options' Fields: "" for no value, validity as
// instants at midnight in Europe/Copenhagen with the last day inclusive
// and 9999-12-31 for no end, objectGUIDs in upper case and braces, a
// category field with a property (IDENTITYCATEGORY.Value) as a
// navigation object {Id, UId, KeyValue, Value}. Each address goes into the
// first address field of its type that is still free; an address with no
// field left is an error, as is a field the Fields do not map. Pages being
// read when Publish is called go on with the state they started with.
func (s *Server) Publish(snap *connectors.IdentitySnapshot) error {
	f := s.opts.Fields.WithDefaults()
	var records []json.RawMessage
	n := 0
	add := func(rec map[string]any) error {
		n++
		rec["Id"] = 1000 + n
		rec["DisplayName"] = fmt.Sprintf("Identity %d", n)
		rec["CreateTime"] = "2020-01-01T08:00:00+01:00"
		b, err := json.Marshal(rec)
		records = append(records, b)
		return err
	}
	for _, id := range snap.Identities {
		rec := map[string]any{}
		put := []struct {
			field, v, what string
		}{
			{f.Key, id.Key, "Key"}, {f.NationalID, string(id.NationalID), "NationalID"}, {f.GivenNames, id.GivenNames, "GivenNames"},
			{f.Surname, id.Surname, "Surname"}, {f.Unit, id.Unit, "Unit"}, {f.JobTitle, id.JobTitle, "JobTitle"},
			{f.Login, id.Login, "Login"}, {f.ObjectGUID, guid(id.ObjectGUID), "ObjectGUID"},
		}
		for _, p := range put {
			if err := set(rec, p.field, p.v, id.Key, p.what); err != nil {
				return err
			}
		}
		if err := category(rec, f.Category, id.Category, id.Key); err != nil {
			return err
		}
		validity(rec, f.ValidFrom, f.ValidTo, id.Valid)
		used := make([]bool, len(f.Addresses))
	next:
		for _, a := range id.Addresses {
			for i, af := range f.Addresses {
				if !used[i] && af.Type == a.Type {
					used[i] = true
					rec[af.Field] = a.Value
					continue next
				}
			}
			return fmt.Errorf("omadatest: identity %q: no free address field of type %q", id.Key, a.Type)
		}
		for i, af := range f.Addresses {
			if !used[i] {
				rec[af.Field] = ""
			}
		}
		if err := add(rec); err != nil {
			return err
		}
	}
	for _, sa := range snap.ServiceAccounts {
		rec := map[string]any{}
		for _, p := range []struct{ field, v, what string }{{f.Key, sa.Key, "Key"}, {f.Unit, sa.Unit, "Unit"}, {f.Login, sa.Login, "Login"},
			{f.ObjectGUID, guid(sa.ObjectGUID), "ObjectGUID"}} {
			if err := set(rec, p.field, p.v, sa.Key, p.what); err != nil {
				return err
			}
		}
		if err := category(rec, f.Category, s.opts.ServiceCategory, sa.Key); err != nil {
			return err
		}
		validity(rec, f.ValidFrom, f.ValidTo, sa.Valid)
		if err := add(rec); err != nil {
			return err
		}
	}
	if records == nil {
		records = []json.RawMessage{}
	}
	s.SetRecords(records)
	return nil
}

// set writes a value into a plain field; a value for a field not mapped
// is an error.
func set(rec map[string]any, field, v, key, what string) error {
	if field == "" {
		if v != "" {
			return fmt.Errorf("omadatest: %q: the Fields have no field for %s", key, what)
		}
		return nil
	}
	if strings.Contains(field, ".") {
		return fmt.Errorf("omadatest: the field %s of %s has a property; only the category may", field, what)
	}
	rec[field] = v
	return nil
}

// category writes a category: a navigation object if the field names a
// property.
func category(rec map[string]any, field, v, key string) error {
	name, prop, ok := strings.Cut(field, ".")
	if !ok {
		return set(rec, field, v, key, "Category")
	}
	if v == "" {
		rec[name] = nil
		return nil
	}
	rec[name] = map[string]any{"Id": len(v), "UId": "8c2f6b1e-0000-4000-8000-000000000561", "KeyValue": v, prop: v}
	return nil
}

var copenhagen = timeline.DefaultZone()

// validity writes the interval as Omada's inclusive instants.
func validity(rec map[string]any, from, to string, iv timeline.Interval) {
	rec[from] = copenhagen.Start(iv.From).Format(time.RFC3339)
	if last, ok := timeline.LastDay(iv.To); ok {
		rec[to] = copenhagen.Start(last).Format(time.RFC3339)
	} else {
		rec[to] = "9999-12-31T00:00:00+01:00"
	}
}

// guid writes an objectGUID as some Omada views do: upper case, braces.
func guid(id connectors.ID) string {
	if id == "" {
		return ""
	}
	return "{" + strings.ToUpper(string(id)) + "}"
}
