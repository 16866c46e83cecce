package auth

import (
	"slices"
	"strings"

	"github.com/go-ldap/ldap/v3"
)

// RoleMap says which groups give which rights in the web service. Each
// entry is a group's DN ("CN=orgsync-admins,OU=Groups,DC=kommune,DC=dk")
// or just its CN ("orgsync-admins"); both match case-insensitively, a DN
// against the whole DN of a principal's group, a CN against its first
// RDN (or, for a provider's plain group names, against the whole name).
//
// Being a manager is not a role here: who manages whom comes from the org
// model (orgmodel's manager relations), which the web layer asks with the
// principal's identity, never from AD groups.
type RoleMap struct {
	// Admin groups may do everything.
	Admin []string
	// HR groups may see and correct people and engagements.
	HR []string
	// Systems maps a system's id (as boarding names it) to the groups of
	// its administrators, who receive and close that system's tasks.
	Systems map[string][]string
}

// Roles are a principal's rights, as [RoleMap.Roles] derives them.
type Roles struct {
	// Admin may do everything.
	Admin bool
	// HR may see and correct people and engagements.
	HR bool
	// Systems are the ids of the systems the principal administers,
	// sorted.
	Systems []string
}

// Roles returns p's roles from its groups.
func (m RoleMap) Roles(p *Principal) Roles {
	groups := make([]group, len(p.Groups))
	for i, g := range p.Groups {
		groups[i] = parseGroup(g)
	}
	r := Roles{Admin: anyMatch(m.Admin, groups), HR: anyMatch(m.HR, groups)}
	for id, admins := range m.Systems {
		if anyMatch(admins, groups) {
			r.Systems = append(r.Systems, id)
		}
	}
	slices.Sort(r.Systems)
	return r
}

// group is a principal's group: its text, and its DN and CN when it is a
// DN.
type group struct {
	name string
	dn   *ldap.DN
	cn   string
}

func parseGroup(s string) group {
	g := group{name: s}
	if dn, err := ldap.ParseDN(s); err == nil && len(dn.RDNs) > 0 && strings.Contains(s, "=") {
		g.dn = dn
		for _, a := range dn.RDNs[0].Attributes {
			if strings.EqualFold(a.Type, "CN") {
				g.cn = a.Value
			}
		}
	}
	return g
}

// anyMatch reports whether any entry matches any group.
func anyMatch(entries []string, groups []group) bool {
	for _, e := range entries {
		want := parseGroup(e)
		for _, g := range groups {
			if want.matches(g) {
				return true
			}
		}
	}
	return false
}

// matches reports whether the configured entry e names the group g.
func (e group) matches(g group) bool {
	switch {
	case e.dn != nil && g.dn != nil:
		return e.dn.EqualFold(g.dn)
	case e.dn != nil:
		return false // a DN never names a plain group name
	case g.dn != nil:
		return strings.EqualFold(e.name, g.cn)
	default:
		return strings.EqualFold(e.name, g.name)
	}
}
