package ad

import (
	"context"
	"strconv"
	"strings"

	"github.com/go-ldap/ldap/v3"
	"github.com/orgsync/orgsync/connectors"
)

var ldapScopes = map[connectors.Scope]int{
	connectors.ScopeSubtree:  ldap.ScopeWholeSubtree,
	connectors.ScopeOneLevel: ldap.ScopeSingleLevel,
	connectors.ScopeBase:     ldap.ScopeBaseObject,
}

// Search calls fn for each matching entry, a page at a time on one
// connection. Referrals (AD's continuation references to other partitions)
// are not chased and are never taken for entries.
func (d *Directory) Search(ctx context.Context, req connectors.SearchRequest, fn func(*connectors.Entry) error) error {
	const op = "search"
	if err := connectors.CheckSearch(req); err != nil {
		return err
	}
	scope := ldapScopes[req.Scope]
	base := req.BaseDN
	if base == "" {
		base = d.base
	}
	size := req.PageSize
	if size <= 0 || size > 1000 {
		size = d.cfg.PageSize
	}
	filter := req.Filter.LDAP()
	attrs := fetchAttributes(req.Attributes)
	delivered := 0
	var stopErr error
	err := d.do(ctx, op, base, func() bool { return delivered == 0 }, func(c *ldap.Conn) error {
		paging := ldap.NewControlPaging(uint32(size))
		search := func(p *ldap.ControlPaging) (*ldap.SearchResult, error) {
			return c.Search(ldap.NewSearchRequest(base, scope, ldap.NeverDerefAliases, 0, 0, false,
				filter, attrs, []ldap.Control{p}))
		}
		for {
			res, err := search(paging)
			if err != nil {
				return err
			}
			for _, le := range res.Entries {
				if err := completeRanges(c, le); err != nil {
					return err
				}
				delivered++
				if err := fn(entryOf(le, req.Attributes)); err != nil {
					stopErr = err
					// Tell the server the search will not go on (the same
					// request with page size 0), so it frees its state.
					if cookie := pagingCookie(res); len(cookie) > 0 {
						done := ldap.NewControlPaging(0)
						done.SetCookie(cookie)
						search(done)
					}
					return nil
				}
			}
			cookie := pagingCookie(res)
			if len(cookie) == 0 {
				return nil
			}
			paging.SetCookie(cookie)
		}
	})
	if err != nil {
		return err
	}
	if stopErr == connectors.ErrStop {
		return nil
	}
	return stopErr
}

func pagingCookie(res *ldap.SearchResult) []byte {
	if c, ok := ldap.FindControl(res.Controls, ldap.ControlTypePaging).(*ldap.ControlPaging); ok {
		return c.Cookie
	}
	return nil
}

// fetchAttributes is the attribute list to ask the server for: what the
// caller wants, plus objectGUID (the entry's ID) and userAccountControl (its
// Disabled flag). An empty list asks for all attributes.
func fetchAttributes(want []string) []string {
	if len(want) == 0 {
		return []string{"*", "objectGUID"}
	}
	return append([]string{"objectGUID", "userAccountControl"}, want...)
}

// entryOf converts a go-ldap entry, keeping the attributes the caller asked
// for (all for none).
func entryOf(le *ldap.Entry, want []string) *connectors.Entry {
	e := &connectors.Entry{DN: le.DN}
	all := len(want) == 0
	wanted := make(map[string]bool, len(want))
	for _, w := range want {
		all = all || w == "*"
		wanted[strings.ToLower(w)] = true
	}
	for _, a := range le.Attributes {
		name := strings.ToLower(a.Name)
		switch name {
		case "objectguid":
			if len(a.ByteValues) == 1 {
				e.ID, _ = IDFromGUID(a.ByteValues[0])
			}
			continue
		case "useraccountcontrol":
			if len(a.Values) == 1 {
				uac, _ := strconv.ParseInt(a.Values[0], 10, 64)
				e.Disabled = uac&uacAccountDisable != 0
			}
		}
		if !all && !wanted[name] {
			continue
		}
		values := make([]string, len(a.ByteValues))
		for i, v := range a.ByteValues {
			values[i] = string(v)
		}
		e.Attributes = append(e.Attributes, connectors.Attribute{Name: a.Name, Values: values})
	}
	return e
}

// completeRanges fetches the rest of attributes the server returned in part.
// AD returns at most MaxValRange (1500) values of an attribute at once and
// names the part it returned, as in "member;range=0-1499"; the rest must be
// asked for range by range.
func completeRanges(c *ldap.Conn, le *ldap.Entry) error {
	for _, a := range le.Attributes {
		name, rng, ok := strings.Cut(a.Name, ";range=")
		if !ok {
			continue
		}
		for {
			_, end, _ := strings.Cut(rng, "-")
			if end == "*" {
				break
			}
			last, err := strconv.Atoi(end)
			if err != nil {
				break
			}
			more, err := readEntry(c, le.DN, name+";range="+strconv.Itoa(last+1)+"-*")
			if err != nil {
				return err
			}
			if len(more.Attributes) == 0 {
				break
			}
			part := more.Attributes[0]
			a.Values = append(a.Values, part.Values...)
			a.ByteValues = append(a.ByteValues, part.ByteValues...)
			_, rng, _ = strings.Cut(part.Name, ";range=")
		}
		a.Name = name
	}
	return nil
}

// Read returns the object with the given objectGUID.
func (d *Directory) Read(ctx context.Context, id connectors.ID, attrs []string) (*connectors.Entry, error) {
	dn, err := guidDN("read", id)
	if err != nil {
		return nil, err
	}
	return d.readBase(ctx, dn, string(id), attrs)
}

// ReadDN returns the object at a DN.
func (d *Directory) ReadDN(ctx context.Context, dn string, attrs []string) (*connectors.Entry, error) {
	if _, err := connectors.ParseDN(dn); err != nil {
		return nil, err
	}
	return d.readBase(ctx, dn, dn, attrs)
}

func (d *Directory) readBase(ctx context.Context, dn, object string, attrs []string) (*connectors.Entry, error) {
	const op = "read"
	if err := connectors.CheckAttributeNames(op, attrs); err != nil {
		return nil, err
	}
	var e *connectors.Entry
	err := d.do(ctx, op, object, always, func(c *ldap.Conn) error {
		le, err := readEntry(c, dn, fetchAttributes(attrs)...)
		if err != nil {
			return err
		}
		if err := completeRanges(c, le); err != nil {
			return err
		}
		e = entryOf(le, attrs)
		return nil
	})
	return e, err
}
