package inmem

import (
	"context"
	"strings"

	"github.com/orgsync/orgsync/connectors"
)

// Search calls fn for each entry that matches req. The matches are taken
// under the lock and handed to fn after it is released, so fn may call the
// directory.
func (d *Directory) Search(ctx context.Context, req connectors.SearchRequest, fn func(*connectors.Entry) error) error {
	const op = "search"
	if err := connectors.CheckSearch(req); err != nil {
		return err
	}
	entries, err := d.find(ctx, req)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if ctx.Err() != nil {
			return connectors.ContextError(ctx, op, req.BaseDN)
		}
		if err := fn(e); err != nil {
			if err == connectors.ErrStop {
				return nil
			}
			return err
		}
	}
	return nil
}

func (d *Directory) find(ctx context.Context, req connectors.SearchRequest) ([]*connectors.Entry, error) {
	const op = "search"
	d.mu.RLock()
	defer d.mu.RUnlock()
	if err := d.check(ctx, op, req.BaseDN); err != nil {
		return nil, err
	}
	base := d.root
	if req.BaseDN != "" {
		var err error
		if base, err = d.resolve(op, req.BaseDN); err != nil {
			return nil, err
		}
	}
	var out []*connectors.Entry
	visit := func(o *object) {
		if d.match(o, req.Filter) {
			out = append(out, d.entry(o, req.Attributes))
		}
	}
	switch req.Scope {
	case connectors.ScopeBase:
		visit(base)
	case connectors.ScopeOneLevel:
		for _, c := range base.sortedChildren() {
			visit(c)
		}
	default: // ScopeSubtree; CheckSearch refused any other
		var walk func(o *object)
		walk = func(o *object) {
			visit(o)
			for _, c := range o.sortedChildren() {
				walk(c)
			}
		}
		walk(base)
	}
	return out, nil
}

// Read returns the object with the given id.
func (d *Directory) Read(ctx context.Context, id connectors.ID, attrs []string) (*connectors.Entry, error) {
	const op = "read"
	if err := connectors.CheckAttributeNames(op, attrs); err != nil {
		return nil, err
	}
	d.mu.RLock()
	defer d.mu.RUnlock()
	o, err := d.lookup(ctx, op, id)
	if err != nil {
		return nil, err
	}
	return d.entry(o, attrs), nil
}

// ReadDN returns the object at a DN.
func (d *Directory) ReadDN(ctx context.Context, dn string, attrs []string) (*connectors.Entry, error) {
	const op = "read"
	if err := connectors.CheckAttributeNames(op, attrs); err != nil {
		return nil, err
	}
	d.mu.RLock()
	defer d.mu.RUnlock()
	if err := d.check(ctx, op, dn); err != nil {
		return nil, err
	}
	o, err := d.resolve(op, dn)
	if err != nil {
		return nil, err
	}
	return d.entry(o, attrs), nil
}

// match evaluates a (validated) filter against an object as AD would:
// attribute names and text values case-insensitively, integers as numbers.
func (d *Directory) match(o *object, f connectors.Filter) bool {
	switch f.Op {
	case connectors.MatchAll:
		return true
	case connectors.OpAnd:
		for _, s := range f.Sub {
			if !d.match(o, s) {
				return false
			}
		}
		return true
	case connectors.OpOr:
		for _, s := range f.Sub {
			if d.match(o, s) {
				return true
			}
		}
		return false
	case connectors.OpNot:
		return !d.match(o, f.Sub[0])
	}
	values := d.values(o, f.Attr)
	if strings.EqualFold(f.Attr, "objectClass") && f.Op == connectors.OpPresent {
		return true // every object has a class
	}
	dnSyntax := false
	if def, ok := d.schema.lookup(f.Attr); ok && def.syntax == syntaxDN {
		dnSyntax = f.Op == connectors.OpEqual
	}
	for _, v := range values {
		if dnSyntax && connectors.EqualDN(v, f.Value) || !dnSyntax && matchValue(f, v) {
			return true
		}
	}
	// AD lets objectCategory be matched by the category's short name.
	if strings.EqualFold(f.Attr, "objectCategory") && f.Op == connectors.OpEqual && len(values) == 1 {
		if rdn, _, err := connectors.SplitDN(values[0]); err == nil {
			return fold(rdn.Value) == fold(f.Value)
		}
	}
	return false
}

func matchValue(f connectors.Filter, v string) bool {
	switch f.Op {
	case connectors.OpPresent:
		return true
	case connectors.OpEqual:
		return fold(v) == fold(f.Value)
	case connectors.OpSubstring:
		s := fold(v)
		if !strings.HasPrefix(s, fold(f.Initial)) {
			return false
		}
		s = s[len(fold(f.Initial)):]
		for _, a := range f.Any {
			i := strings.Index(s, fold(a))
			if i < 0 {
				return false
			}
			s = s[i+len(fold(a)):]
		}
		return strings.HasSuffix(s, fold(f.Final))
	case connectors.OpGreaterOrEqual:
		return compare(v, f.Value) >= 0
	case connectors.OpLessOrEqual:
		return compare(v, f.Value) <= 0
	case connectors.OpBitAnd:
		n, err1 := parseInt(v)
		mask, err2 := parseInt(f.Value)
		return err1 == nil && err2 == nil && n&mask == mask
	}
	return false
}
