package inmem

import (
	"context"
	"strings"

	"github.com/orgsync/orgsync/connectors"
)

// Create creates an object and returns its id.
func (d *Directory) Create(ctx context.Context, req connectors.CreateRequest) (connectors.ID, error) {
	const op = "create"
	if err := connectors.CheckCreate(req); err != nil {
		return "", err
	}
	rdn, parentDN, _ := connectors.SplitDN(req.DN)
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.check(ctx, op, req.DN); err != nil {
		return "", err
	}
	parent, err := d.resolve(op, parentDN)
	if err != nil {
		return "", &connectors.Error{Kind: connectors.NotFound, Op: op, Object: req.DN, Err: errNoParent}
	}
	if parent.children[rdnKey(rdn)] != nil {
		return "", &connectors.Error{Kind: connectors.AlreadyExists, Op: op, Object: req.DN, Err: errEntryExists}
	}
	attrs, err := d.checkSchema(op, req.DN, req.Attributes)
	if err != nil {
		return "", err
	}
	if err := d.checkUnique(op, req.DN, nil, attrs); err != nil {
		return "", err
	}
	account := connectors.IsAccount(req.Attributes)
	if req.Password != "" {
		if err := checkPassword(string(req.Password)); err != nil {
			return "", &connectors.Error{Kind: connectors.Constraint, Op: op, Object: req.DN, Err: err}
		}
	}

	o := d.newObject(rdn, parent)
	for _, a := range attrs {
		def, _ := d.schema.lookup(a.Name)
		d.store(o, def, a.Values)
	}
	rdnDef, _ := d.schema.lookup(rdn.Type)
	o.setAttr(rdnDef, []string{rdn.Value})
	o.account = account
	o.disabled = !req.Enabled
	o.password = req.Password != ""
	o.group = hasClass(o, "group")
	d.index(o)
	d.recordChange(o, false)
	return o.id, nil
}

type parentMissing struct{}

func (parentMissing) Error() string { return "the parent does not exist" }

var errNoParent = parentMissing{}

type entryExists struct{}

func (entryExists) Error() string { return "an entry with this DN exists" }

var errEntryExists = entryExists{}

// checkSchema checks attributes against the schema, puts their values in
// the form the twin keeps, and expands objectClass to AD's class chain.
func (d *Directory) checkSchema(op, dn string, in []connectors.Attribute) ([]connectors.Attribute, error) {
	out := make([]connectors.Attribute, 0, len(in))
	for _, a := range in {
		def, ok := d.schema.lookup(a.Name)
		if !ok {
			return nil, connectors.Errorf(connectors.Invalid, op, "attribute %s is not in the schema", a.Name)
		}
		values, err := d.checkValues(op, dn, def, a.Values)
		if err != nil {
			return nil, err
		}
		if strings.EqualFold(a.Name, "objectClass") {
			values = expandClasses(values)
		}
		out = append(out, connectors.Attribute{Name: def.name, Values: values})
	}
	return out, nil
}

type singleValued string

func (s singleValued) Error() string { return "attribute " + string(s) + " is single-valued" }

func expandClasses(values []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, v := range values {
		chain := classChains[strings.ToLower(v)]
		if chain == nil {
			chain = []string{v}
		}
		for _, c := range chain {
			if !seen[strings.ToLower(c)] {
				seen[strings.ToLower(c)] = true
				out = append(out, c)
			}
		}
	}
	return out
}

func hasClass(o *object, class string) bool {
	if a := o.attr("objectClass"); a != nil {
		for _, v := range a.Values {
			if strings.EqualFold(v, class) {
				return true
			}
		}
	}
	return false
}

// checkUnique checks that the sAMAccountName and userPrincipalName among
// attrs are not held by another account than self.
func (d *Directory) checkUnique(op, dn string, self *object, attrs []connectors.Attribute) error {
	for _, a := range attrs {
		var index map[string]*object
		switch strings.ToLower(a.Name) {
		case "samaccountname":
			index = d.sam
		case "userprincipalname":
			index = d.upn
		default:
			continue
		}
		for _, v := range a.Values {
			if holder := index[fold(v)]; holder != nil && holder != self {
				return &connectors.Error{Kind: connectors.AlreadyExists, Op: op, Object: dn, Err: nameInUse{a.Name, v}}
			}
		}
	}
	return nil
}

type nameInUse struct{ attr, value string }

func (e nameInUse) Error() string { return e.attr + " " + e.value + " is already in use" }

// index records an account's names in the uniqueness indexes; unindex
// removes them.
func (d *Directory) index(o *object) {
	if v := o.first("sAMAccountName"); v != "" {
		d.sam[fold(v)] = o
	}
	if v := o.first("userPrincipalName"); v != "" {
		d.upn[fold(v)] = o
	}
}

func (d *Directory) unindex(o *object) {
	if v := o.first("sAMAccountName"); v != "" && d.sam[fold(v)] == o {
		delete(d.sam, fold(v))
	}
	if v := o.first("userPrincipalName"); v != "" && d.upn[fold(v)] == o {
		delete(d.upn, fold(v))
	}
}
