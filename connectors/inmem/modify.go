package inmem

import (
	"context"

	"github.com/orgsync/orgsync/connectors"
)

// Modify applies modifications to an object, all or none.
func (d *Directory) Modify(ctx context.Context, id connectors.ID, mods []connectors.Modification) error {
	const op = "modify"
	if err := connectors.CheckModifications(mods); err != nil {
		return err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	o, err := d.lookup(ctx, op, id)
	if err != nil {
		return err
	}
	dn := d.dnOf(o)
	// Work on a copy of the attributes and commit only if every
	// modification applies.
	next := map[string][]string{}
	defs := map[string]attrDef{}
	for _, m := range mods {
		def, ok := d.schema.lookup(m.Name)
		if !ok {
			return connectors.Errorf(connectors.Invalid, op, "attribute %s is not in the schema", m.Name)
		}
		key := lower(def.name)
		if _, seen := defs[key]; !seen {
			defs[key], next[key] = def, d.stored(o, def)
		}
		values, err := d.checkValues(op, dn, attrDef{name: def.name, upper: def.upper, syntax: def.syntax}, m.Values)
		if err != nil {
			return err
		}
		cur := next[key]
		switch m.Op {
		case connectors.ModReplace:
			cur = values
		case connectors.ModAdd:
			for _, v := range values {
				if indexOf(cur, v) >= 0 {
					return &connectors.Error{Kind: connectors.AlreadyExists, Op: op, Object: dn, Err: valueExists(def.name)}
				}
				cur = append(append([]string(nil), cur...), v)
			}
		case connectors.ModDelete:
			if len(cur) == 0 {
				return &connectors.Error{Kind: connectors.NotFound, Op: op, Object: dn, Err: noSuchAttribute(def.name)}
			}
			if len(m.Values) == 0 {
				cur = nil
				break
			}
			for _, v := range values {
				i := indexOf(cur, v)
				if i < 0 {
					return &connectors.Error{Kind: connectors.NotFound, Op: op, Object: dn, Err: noSuchAttribute(def.name)}
				}
				cur = append(append([]string(nil), cur[:i]...), cur[i+1:]...)
			}
		}
		if def.single && len(cur) > 1 {
			return &connectors.Error{Kind: connectors.Constraint, Op: op, Object: dn, Err: singleValued(def.name)}
		}
		next[key] = cur
	}
	var changed []connectors.Attribute
	for key, def := range defs {
		changed = append(changed, connectors.Attribute{Name: def.name, Values: next[key]})
	}
	if err := d.checkUnique(op, dn, o, changed); err != nil {
		return err
	}
	d.unindex(o)
	for key, def := range defs {
		d.store(o, def, next[key])
	}
	d.index(o)
	d.recordChange(o, false)
	return nil
}

type valueExists string

func (v valueExists) Error() string { return "attribute " + string(v) + " already has the value" }

type noSuchAttribute string

func (n noSuchAttribute) Error() string { return "attribute " + string(n) + " does not have the value" }

// indexOf finds a value as AD compares values: case-insensitively.
func indexOf(values []string, v string) int {
	fv := fold(v)
	for i, x := range values {
		if fold(x) == fv {
			return i
		}
	}
	return -1
}
