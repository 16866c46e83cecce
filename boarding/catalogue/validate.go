package catalogue

import (
	"strconv"
	"time"
)

// index is what validation learns about a catalogue, kept for lookups.
type index struct {
	// systems, equipment and roles map an ID to its first position.
	systems   map[string]int
	equipment map[string]int
	roles     map[string]int
	// resources maps a resource key to its position, per system
	// position.
	resources []map[string]int
	// includes are each role's known includes, without repeats, per
	// role position; only first occurrences of an ID have them.
	includes [][]include
	// items are each role's items with its includes expanded, per role
	// position; built once the catalogue is valid.
	items [][]Item
}

// include is one edge of the include graph: to a role's position, from
// the position in the including role's Includes.
type include struct{ to, at int }

// Validate checks the catalogue and builds its indexes. It returns every
// problem found, joined, each an *Error with its Path (and no File or
// Line: those come from Parse), or nil. A catalogue that fails keeps no
// indexes, so its lookups find nothing.
func (c *Catalogue) Validate() error {
	p := &problems{}
	c.validate(p)
	return p.err()
}

// validate records every problem with the catalogue in p and, if there
// are none, builds the indexes.
func (c *Catalogue) validate(p *problems) {
	c.idx = nil
	if len(c.Systems) == 0 && len(c.Equipment) == 0 && len(c.JobRoles) == 0 && len(c.Birthrights) == 0 {
		p.add("", "the catalogue is empty: no systems, equipment, job roles or birthrights")
		return
	}
	before := len(p.errs)
	ix := &index{
		systems:   make(map[string]int, len(c.Systems)),
		equipment: make(map[string]int, len(c.Equipment)),
		roles:     make(map[string]int, len(c.JobRoles)),
		resources: make([]map[string]int, len(c.Systems)),
		includes:  make([][]include, len(c.JobRoles)),
	}
	c.checkSystems(p, ix)
	c.checkEquipment(p, ix)
	c.checkRoles(p, ix)
	c.checkIncludes(p, ix)
	c.checkBirthrights(p, ix)
	if len(p.errs) == before {
		ix.items = c.expand(ix)
		c.idx = ix
	}
}

func (c *Catalogue) checkSystems(p *problems, ix *index) {
	for i, s := range c.Systems {
		at := func(field string) string { return elem("systems", i) + field }
		if pr := checkID("an id", s.ID); pr != "" {
			p.add(at(".id"), "%s", pr)
		} else if j, dup := ix.systems[s.ID]; dup {
			p.add(at(".id"), "%q is also the id of systems[%d]", s.ID, j)
		} else {
			ix.systems[s.ID] = i
		}
		if pr := checkText("a name", s.Name, maxName); pr != "" {
			p.add(at(".name"), "%s", pr)
		}
		switch s.Kind {
		case Manual:
			if s.Connector != "" {
				p.add(at(".connector"), "a manual system has no connector: its administrators do its tasks")
			}
			if len(s.Administrators) == 0 {
				p.add(at(".administrators"), "a manual system needs administrators: the people who do its tasks")
			}
		case Integrated:
			if s.Connector == "" {
				p.add(at(".connector"), "an integrated system needs a connector")
			} else if pr := checkID("a connector", s.Connector); pr != "" {
				p.add(at(".connector"), "%s", pr)
			}
		case "":
			p.add(at(".kind"), "needs a kind: manual or integrated")
		default:
			p.add(at(".kind"), "%q is not manual or integrated", clip(string(s.Kind)))
		}
		for _, l := range []list{{"administrators", s.Administrators}, {"advisees", s.Advisees}, {"owners", s.Owners}} {
			for j, a := range l.values {
				if pr := checkMail(a); pr != "" {
					p.add(elem(at("."+l.field), j), "%s", pr)
				}
			}
		}
		if s.Digest != "" {
			if d, err := time.ParseDuration(s.Digest); err != nil {
				p.add(at(".digest"), "%q is not a duration like 3h or 90m", clip(s.Digest))
			} else if d <= 0 {
				p.add(at(".digest"), "%q: a digest interval is more than 0", s.Digest)
			}
		}
		keys := make(map[string]int, len(s.Resources))
		ix.resources[i] = keys
		for j, r := range s.Resources {
			rat := func(field string) string { return elem(at(".resources"), j) + field }
			if pr := checkID("a key", r.Key); pr != "" {
				p.add(rat(".key"), "%s", pr)
			} else if k, dup := keys[r.Key]; dup {
				p.add(rat(".key"), "%q is also the key of %s.resources[%d]", r.Key, at(""), k)
			} else {
				keys[r.Key] = j
			}
			if pr := checkText("a name", r.Name, maxName); pr != "" {
				p.add(rat(".name"), "%s", pr)
			}
			if r.Group != "" {
				if s.Kind != Integrated || s.Connector != ConnectorADGroups {
					p.add(rat(".group"), "only a resource of an integrated system with the %s connector has a group", ConnectorADGroups)
				} else if pr := checkDN(r.Group); pr != "" {
					p.add(rat(".group"), "%s", pr)
				}
			}
		}
	}
}

func (c *Catalogue) checkEquipment(p *problems, ix *index) {
	for i, e := range c.Equipment {
		at := func(field string) string { return elem("equipment", i) + field }
		if pr := checkID("an id", e.ID); pr != "" {
			p.add(at(".id"), "%s", pr)
		} else if j, dup := ix.equipment[e.ID]; dup {
			p.add(at(".id"), "%q is also the id of equipment[%d]", e.ID, j)
		} else {
			ix.equipment[e.ID] = i
		}
		if pr := checkText("a name", e.Name, maxName); pr != "" {
			p.add(at(".name"), "%s", pr)
		}
	}
}

func (c *Catalogue) checkRoles(p *problems, ix *index) {
	// The IDs first, so that an include may name a role further down.
	for i, r := range c.JobRoles {
		at := func(field string) string { return elem("job_roles", i) + field }
		if pr := checkID("an id", r.ID); pr != "" {
			p.add(at(".id"), "%s", pr)
		} else if j, dup := ix.roles[r.ID]; dup {
			p.add(at(".id"), "%q is also the id of job_roles[%d]", r.ID, j)
		} else {
			ix.roles[r.ID] = i
		}
	}
	for i, r := range c.JobRoles {
		at := func(field string) string { return elem("job_roles", i) + field }
		if pr := checkText("a name", r.Name, maxName); pr != "" {
			p.add(at(".name"), "%s", pr)
		}
		switch r.Lifecycle {
		case "", Active, Draft, Deprecated:
		default:
			p.add(at(".lifecycle"), "%q is not active, draft or deprecated", clip(string(r.Lifecycle)))
		}
		for j, it := range r.Items {
			c.checkItem(p, ix, i, j, it)
		}
		first := ix.roles[r.ID] == i
		seen := make(map[string]bool, len(r.Includes))
		for j, inc := range r.Includes {
			iat := func() string { return elem(at(".includes"), j) }
			k, known := ix.roles[inc]
			switch {
			case !known:
				p.add(iat(), "unknown job role %q", clip(inc))
			case seen[inc]:
				p.add(iat(), "%q is included twice", inc)
			case first:
				ix.includes[i] = append(ix.includes[i], include{to: k, at: j})
			}
			seen[inc] = true
		}
		for j, u := range r.OrderableIn {
			if pr := checkText("a unit", u.Unit, maxName); pr != "" {
				p.add(elem(at(".orderable_in"), j)+".unit", "%s", pr)
			}
		}
		checkTitles(p, at(".titles"), r.Titles)
	}
}

// checkItem checks item j of role i.
func (c *Catalogue) checkItem(p *problems, ix *index, i, j int, it Item) {
	at := func(field string) string { return elem(elem("job_roles", i)+".items", j) + field }
	entitlement := it.System != "" || it.Resource != ""
	switch {
	case entitlement && it.IsEquipment():
		p.add(at(""), "an item is a system's resource or equipment, not both")
	case !entitlement && !it.IsEquipment():
		p.add(at(""), "an item needs a system and resource, or equipment")
	case entitlement:
		if it.Quantity != 0 {
			p.add(at(".quantity"), "a quantity is only for equipment")
		}
		si, known := ix.systems[it.System]
		switch {
		case it.System == "":
			p.add(at(".system"), "needs the system of resource %q", clip(it.Resource))
		case !known:
			p.add(at(".system"), "unknown system %q", clip(it.System))
		case it.Resource == "":
			p.add(at(".resource"), "needs a resource of system %q", it.System)
		default:
			if _, ok := ix.resources[si][it.Resource]; !ok {
				p.add(at(".resource"), "system %q has no resource %q", it.System, clip(it.Resource))
			}
		}
	default:
		if _, ok := ix.equipment[it.Equipment]; !ok {
			p.add(at(".equipment"), "unknown equipment kind %q", clip(it.Equipment))
		}
		if it.Quantity < 1 {
			p.add(at(".quantity"), "quantity %d: at least 1", it.Quantity)
		}
	}
}

func (c *Catalogue) checkBirthrights(p *problems, ix *index) {
	for i, b := range c.Birthrights {
		at := func(field string) string { return elem("birthrights", i) + field }
		if b.JobRole == "" {
			p.add(at(".job_role"), "needs a job role")
		} else if k, ok := ix.roles[b.JobRole]; !ok {
			p.add(at(".job_role"), "unknown job role %q", clip(b.JobRole))
		} else if c.JobRoles[k].Lifecycle == Deprecated {
			p.add(at(".job_role"), "job role %q is deprecated: a birthright may not give it", b.JobRole)
		}
		if pr := checkText("a unit", b.Unit, maxName); pr != "" {
			p.add(at(".unit"), "%s", pr)
		}
		for j, u := range b.Except {
			if pr := checkText("a unit", u, maxName); pr != "" {
				p.add(elem(at(".except"), j), "%s", pr)
			}
		}
		checkTitles(p, at(".titles"), b.Titles)
		var from, to time.Time
		var fromOK, toOK bool
		if b.From != "" {
			var pr string
			if from, pr = parseDate(b.From); pr != "" {
				p.add(at(".from"), "%s", pr)
			} else {
				fromOK = true
			}
		}
		if b.To != "" {
			var pr string
			if to, pr = parseDate(b.To); pr != "" {
				p.add(at(".to"), "%s", pr)
			} else {
				toOK = true
			}
		}
		if fromOK && toOK && !to.After(from) {
			p.add(at(".to"), "%s is not after from %s: to is the first day the rule no longer holds", b.To, b.From)
		}
	}
}

// checkTitles checks a title filter's titles.
func checkTitles(p *problems, at string, f TitleFilter) {
	for _, l := range []list{{"include", f.Include}, {"exclude", f.Exclude}} {
		for j, t := range l.values {
			if pr := checkText("a title", t, maxName); pr != "" {
				p.add(elem(at+"."+l.field, j), "%s", pr)
			}
		}
	}
}

// list is a field's strings, checked in the order of the fields.
type list struct {
	field  string
	values []string
}

// elem is the path of element i of the list at path ("job_roles[3]").
func elem(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }
