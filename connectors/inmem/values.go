package inmem

import (
	"strconv"
	"strings"
	"unicode/utf16"

	"github.com/orgsync/orgsync/connectors"
)

// checkValues checks values against an attribute's definition, as AD's
// schema does, and returns them in the form the twin compares them: a
// DN-syntax value as the DN of the object it names, as the twin writes it.
func (d *Directory) checkValues(op, dn string, def attrDef, values []string) ([]string, error) {
	if def.single && len(values) > 1 {
		return nil, &connectors.Error{Kind: connectors.Constraint, Op: op, Object: dn, Err: singleValued(def.name)}
	}
	out := make([]string, len(values))
	for i, v := range values {
		if def.upper > 0 && len(utf16.Encode([]rune(v))) > def.upper {
			return nil, connectors.Errorf(connectors.Invalid, op, "a value of %s is longer than the %d characters AD allows", def.name, def.upper)
		}
		switch def.syntax {
		case syntaxInt:
			if _, err := strconv.ParseInt(v, 10, 64); err != nil {
				return nil, connectors.Errorf(connectors.Invalid, op, "a value of %s is not an integer", def.name)
			}
		case syntaxDN:
			target, err := d.resolve(op, v)
			if err != nil {
				return nil, &connectors.Error{Kind: connectors.KindOf(err), Op: op, Object: dn,
					Err: refError{def.name, err}}
			}
			v = d.dnOf(target)
		}
		if strings.EqualFold(def.name, "sAMAccountName") && strings.ContainsAny(v, samInvalid) {
			return nil, &connectors.Error{Kind: connectors.Constraint, Op: op, Object: dn, Err: badSAM(v)}
		}
		out[i] = v
	}
	return out, nil
}

// samInvalid are the characters AD refuses in a sAMAccountName.
const samInvalid = `"/\[]:;|=,+*?<>`

type badSAM string

func (b badSAM) Error() string {
	return "sAMAccountName " + strconv.Quote(string(b)) + " contains a character AD refuses (" + samInvalid + ")"
}

type refError struct {
	attr string
	err  error
}

func (e refError) Error() string { return e.attr + ": the referenced object: " + e.err.Error() }
func (e refError) Unwrap() error { return e.err }

// stored returns an attribute's stored values (DN-syntax ones as the DNs
// of the objects they name now).
func (d *Directory) stored(o *object, def attrDef) []string {
	key := strings.ToLower(def.name)
	if def.syntax == syntaxDN {
		var out []string
		for _, t := range o.refs[key] {
			out = append(out, d.dnOf(t))
		}
		return out
	}
	if a := o.attrs[key]; a != nil {
		return a.Values
	}
	return nil
}

// store sets an attribute's values (checked by checkValues); none removes
// the attribute.
func (d *Directory) store(o *object, def attrDef, values []string) {
	if def.syntax != syntaxDN {
		o.setAttr(def, values)
		return
	}
	key := strings.ToLower(def.name)
	old := o.refs[key]
	delete(o.refs, key)
	for _, t := range old {
		d.dropReferrer(t, o)
	}
	for _, v := range values {
		t, _ := d.resolve("", v) // checked: it exists
		o.refs[key] = append(o.refs[key], t)
		t.referrers[o.id] = o
	}
}

// dropReferrer forgets that o refers to t, unless another of o's
// attributes still does.
func (d *Directory) dropReferrer(t, o *object) {
	for _, ts := range o.refs {
		for _, x := range ts {
			if x == t {
				return
			}
		}
	}
	delete(t.referrers, o.id)
}

// unlink removes every reference to and from o, which is being deleted.
func (d *Directory) unlink(o *object) {
	for _, r := range o.referrers {
		for key, ts := range r.refs {
			kept := ts[:0]
			for _, t := range ts {
				if t != o {
					kept = append(kept, t)
				}
			}
			if len(kept) == 0 {
				delete(r.refs, key)
			} else {
				r.refs[key] = kept
			}
		}
	}
	for _, ts := range o.refs {
		for _, t := range ts {
			delete(t.referrers, o.id)
		}
	}
}
