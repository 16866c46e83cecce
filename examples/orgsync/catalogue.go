package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/orgsync/orgsync/boarding/catalogue"
	"github.com/orgsync/orgsync/internal/redact"
)

const catalogueUsage = `usage: orgsync catalogue validate FILE
       orgsync catalogue show FILE [--role ID | --system ID] [--json]

The on/off-boarding catalogue (package boarding/catalogue): the systems
and their resources, the equipment kinds, the job roles that bundle them
and the birthright rules, read from a YAML or JSON file.

  validate  read the file and check it whole: every problem is printed on
            the standard output, one a line, as FILE:LINE: PATH: PROBLEM
            (LINE left out where it is not known, PATH for the file as a
            whole); a valid file gives one line that counts what it holds
  show      the systems (kind, connector, administrators, resources), the
            equipment kinds, the job roles with their items expanded
            (includes resolved, each item once) and the birthright rules;
            with --role, one job role in detail (each item with the roles
            it comes from); with --system, one system in detail (each
            resource with the job roles that grant it)

The exit status is 0 for a valid catalogue, 1 for one with problems (show
prints them too, on the standard error), and 2 for a usage error or a file
that cannot be read.

flags:
`

// runCatalogue is the catalogue command.
func runCatalogue(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || (args[0] != "validate" && args[0] != "show") {
		fmt.Fprint(stderr, catalogueUsage)
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
			return 0
		}
		return 2
	}
	sub := args[0]
	fs := flag.NewFlagSet("orgsync catalogue "+sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(fs.Output(), catalogueUsage); fs.PrintDefaults() }
	var (
		role   = fs.String("role", "", "show: the job role with this `ID` in detail")
		system = fs.String("system", "", "show: the system with this `ID` in detail")
		asJSON = fs.Bool("json", false, "show: print JSON (one document) instead of the text")
	)
	pos, err := parseInterleaved(fs, args[1:])
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		return 2
	}
	// A catalogue holds no persons, so its messages are not masked (a
	// file name's run of digits stays whole); only the problems quote
	// what the file says, and they are (catalogueProblems).
	fail := func(code int, format string, a ...any) int {
		fmt.Fprintf(stderr, "orgsync catalogue %s: %s\n", sub, fmt.Sprintf(format, a...))
		return code
	}
	switch {
	case len(pos) == 0:
		return fail(2, "give the catalogue FILE (see -h)")
	case len(pos) > 1:
		return fail(2, "unexpected argument %q: one catalogue FILE at a time", clip(pos[1]))
	case sub == "validate" && (*role != "" || *system != "" || *asJSON):
		return fail(2, "--role, --system and --json go with show")
	case *role != "" && *system != "":
		return fail(2, "give --role or --system, not both")
	}
	file := pos[0]
	cat, err := catalogue.Load(file)
	if err != nil {
		problems, read := catalogueProblems(file, err)
		if !read {
			return fail(2, "%s", strings.Join(problems, "; "))
		}
		out := stdout
		if sub == "show" {
			out = stderr
		}
		for _, p := range problems {
			fmt.Fprintln(out, p)
		}
		return fail(1, "%s is not valid: %s", file, count(len(problems), "problem"))
	}
	if sub == "validate" {
		fmt.Fprintf(stdout, "%s: %s\n", file, catalogueSummary(cat))
		return 0
	}
	sh := &catalogueShow{cat: cat, file: file, asJSON: *asJSON, stdout: stdout, stderr: stderr}
	switch {
	case *role != "":
		r, ok := cat.JobRole(*role)
		if !ok {
			return fail(2, "--role %q: %s has no such job role (the roles are %s)", clip(*role), file, ids(cat.JobRoles, func(r catalogue.JobRole) string { return r.ID }))
		}
		return sh.role(r)
	case *system != "":
		s, ok := cat.System(*system)
		if !ok {
			return fail(2, "--system %q: %s has no such system (the systems are %s)", clip(*system), file, ids(cat.Systems, func(s catalogue.System) string { return s.ID }))
		}
		return sh.system(s)
	}
	return sh.all()
}

// catalogueProblems formats the problems of a catalogue as FILE:LINE:
// PATH: PROBLEM, one each; read is false when the file could not be read
// at all (a missing file, a directory), which is then the one problem.
func catalogueProblems(file string, err error) (problems []string, read bool) {
	read = true
	var out []string
	for _, e := range flatten(err) {
		var ce *catalogue.Error
		if !errors.As(e, &ce) {
			out = append(out, file+": "+redact.NationalIDs(e.Error()))
			continue
		}
		if ce.Unwrap() != nil {
			read = false
		}
		var b strings.Builder
		b.WriteString(or(ce.File, file))
		if ce.Line > 0 {
			fmt.Fprintf(&b, ":%d", ce.Line)
		}
		b.WriteString(": ")
		if ce.Path != "" {
			b.WriteString(ce.Path + ": ")
		}
		b.WriteString(redact.NationalIDs(oneLineText(ce.Problem)))
		out = append(out, b.String())
	}
	return out, read
}

// catalogueSummary counts what a catalogue holds.
func catalogueSummary(c *catalogue.Catalogue) string {
	resources := 0
	for _, s := range c.Systems {
		resources += len(s.Resources)
	}
	return strings.Join([]string{
		count(len(c.Systems), "system"), count(resources, "resource"),
		count(len(c.Equipment), "equipment kind"), count(len(c.JobRoles), "job role"),
		count(len(c.Birthrights), "birthright rule"),
	}, ", ")
}

// ids lists the ids of a catalogue's entries, for an error message.
func ids[T any](xs []T, id func(T) string) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = id(x)
	}
	return clip(strings.Join(s, ", "))
}

// catalogueShow is one run of catalogue show.
type catalogueShow struct {
	cat    *catalogue.Catalogue
	file   string
	asJSON bool

	stdout, stderr io.Writer
}

// expandedItem is one item of a job role with its includes expanded.
type expandedItem struct {
	// System and Resource name an entitlement; Equipment and Quantity
	// equipment.
	System    string `json:"system,omitempty"`
	Resource  string `json:"resource,omitempty"`
	Equipment string `json:"equipment,omitempty"`
	Quantity  int    `json:"quantity,omitempty"`
	// Kind is the system's kind (manual or integrated), or "equipment".
	Kind string `json:"kind"`
	// Name is what people call it: the system's and the resource's
	// names, or the equipment kind's.
	Name string `json:"name"`
	// From are the roles (the role itself, then its includes) that list
	// the item themselves.
	From []string `json:"from"`
}

// roleJSON is a job role as show --json prints it.
type roleJSON struct {
	catalogue.JobRole
	// Expanded are the role's items with its includes expanded.
	Expanded []expandedItem `json:"expanded_items"`
}

// systemJSON is a system as show --system --json prints it.
type systemJSON struct {
	catalogue.System
	// GrantedBy maps each resource's key to the job roles that grant it
	// (includes expanded).
	GrantedBy map[string][]string `json:"granted_by"`
}

// catalogueJSON is the whole catalogue as show --json prints it.
type catalogueJSON struct {
	File        string                     `json:"file"`
	Systems     []catalogue.System         `json:"systems"`
	Equipment   []catalogue.EquipmentKind  `json:"equipment"`
	JobRoles    []roleJSON                 `json:"job_roles"`
	Birthrights []catalogue.BirthrightRule `json:"birthrights"`
}

// json writes v as one indented JSON document.
func (s *catalogueShow) json(v any) int {
	enc := json.NewEncoder(s.stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		fmt.Fprintf(s.stderr, "orgsync catalogue show: %v\n", err)
		return 1
	}
	return 0
}

// newTable is a table written to w.
func newTable(w io.Writer) *table {
	t := &table{out: w}
	t.tw = tabwriter.NewWriter(&t.buf, 0, 0, 2, ' ', 0)
	return t
}

// includes lists the role and the roles it includes, directly or through
// others, each once, the role first and then breadth first.
func (s *catalogueShow) includes(r catalogue.JobRole) []catalogue.JobRole {
	order := []catalogue.JobRole{r}
	seen := map[string]bool{r.ID: true}
	for i := 0; i < len(order); i++ {
		for _, id := range order[i].Includes {
			if inc, ok := s.cat.JobRole(id); ok && !seen[id] {
				seen[id] = true
				order = append(order, inc)
			}
		}
	}
	return order
}

// expand returns the role's items, includes expanded, each with where it
// comes from.
func (s *catalogueShow) expand(r catalogue.JobRole) []expandedItem {
	roles := s.includes(r)
	var out []expandedItem
	for _, it := range s.cat.Items(r.ID) {
		e := expandedItem{System: it.System, Resource: it.Resource, Equipment: it.Equipment, Quantity: it.Quantity}
		if it.IsEquipment() {
			e.Kind = "equipment"
			if k, ok := s.cat.EquipmentKind(it.Equipment); ok {
				e.Name = k.Name
			}
		} else if sys, ok := s.cat.System(it.System); ok {
			e.Kind = string(sys.Kind)
			e.Name = sys.Name
			if res, ok := s.cat.Resource(it.System, it.Resource); ok {
				e.Name += ": " + res.Name
			}
		}
		for _, from := range roles {
			if slices.ContainsFunc(from.Items, func(own catalogue.Item) bool { return sameItem(own, it) }) {
				e.From = append(e.From, from.ID)
			}
		}
		out = append(out, e)
	}
	return out
}

// sameItem reports whether two items are the same entitlement or the same
// kind of equipment, whatever the quantities.
func sameItem(a, b catalogue.Item) bool {
	return a.System == b.System && a.Resource == b.Resource && a.Equipment == b.Equipment
}

// itemName is an item as the tables write it: "system/resource", or the
// equipment kind with the quantity when there is more than one ("skaerm
// x2").
func itemName(it expandedItem) string {
	if it.Equipment == "" {
		return it.System + "/" + it.Resource
	}
	if it.Quantity > 1 {
		return fmt.Sprintf("%s x%d", it.Equipment, it.Quantity)
	}
	return it.Equipment
}

// itemNames joins the items' names.
func itemNames(items []expandedItem) string {
	s := make([]string, len(items))
	for i, it := range items {
		s[i] = itemName(it)
	}
	return orDash(strings.Join(s, ", "))
}

// all shows the whole catalogue.
func (s *catalogueShow) all() int {
	c := s.cat
	if s.asJSON {
		v := catalogueJSON{File: s.file, Systems: c.Systems, Equipment: c.Equipment, Birthrights: c.Birthrights, JobRoles: []roleJSON{}}
		for _, r := range c.JobRoles {
			v.JobRoles = append(v.JobRoles, roleJSON{JobRole: r, Expanded: s.expand(r)})
		}
		return s.json(v)
	}
	fmt.Fprintf(s.stdout, "catalogue %s: %s\n", s.file, catalogueSummary(c))

	fmt.Fprintf(s.stdout, "\nsystems\n")
	t := newTable(s.stdout)
	t.row("ID", "NAME", "KIND", "CONNECTOR", "ADMINISTRATORS", "RESOURCES")
	for _, sys := range c.Systems {
		keys := make([]string, len(sys.Resources))
		for i, r := range sys.Resources {
			keys[i] = r.Key
		}
		t.row(sys.ID, sys.Name, string(sys.Kind), orDash(sys.Connector), orDash(strings.Join(sys.Administrators, ", ")), orDash(strings.Join(keys, ", ")))
	}
	t.flush()

	fmt.Fprintf(s.stdout, "\nequipment\n")
	t = newTable(s.stdout)
	t.row("ID", "NAME")
	for _, k := range c.Equipment {
		t.row(k.ID, k.Name)
	}
	t.flush()

	fmt.Fprintf(s.stdout, "\njob roles (items with includes expanded)\n")
	t = newTable(s.stdout)
	t.row("ID", "NAME", "LIFECYCLE", "INCLUDES", "ITEMS")
	for _, r := range c.JobRoles {
		t.row(r.ID, r.Name, string(r.Lifecycle), orDash(strings.Join(r.Includes, ", ")), itemNames(s.expand(r)))
	}
	t.flush()

	fmt.Fprintf(s.stdout, "\nbirthright rules\n")
	t = newTable(s.stdout)
	t.row("JOB ROLE", "UNIT", "TITLES", "MANAGERS ONLY", "EXCEPT", "PERIOD")
	for _, b := range c.Birthrights {
		t.row(b.JobRole, unitScope(catalogue.UnitScope{Unit: b.Unit, Inherit: b.Inherit}), titles(b.Titles), yesNo(b.ManagersOnly),
			orDash(strings.Join(b.Except, ", ")), period(b.From, b.To))
	}
	t.flush()
	return 0
}

// unitScope writes a unit and whether the units below it count.
func unitScope(u catalogue.UnitScope) string {
	if u.Inherit {
		return u.Unit + " and below"
	}
	return u.Unit
}

// titles writes a title filter: the titles let through ("any" for
// all), then "not" and those kept out.
func titles(f catalogue.TitleFilter) string {
	var parts []string
	if len(f.Include) > 0 {
		parts = append(parts, strings.Join(f.Include, ", "))
	}
	if len(f.Exclude) > 0 {
		parts = append(parts, "not "+strings.Join(f.Exclude, ", "))
	}
	if len(parts) == 0 {
		return "any"
	}
	return strings.Join(parts, "; ")
}

// period writes a rule's half-open period of days.
func period(from, to string) string {
	switch {
	case from == "" && to == "":
		return "always"
	case to == "":
		return "from " + from
	case from == "":
		return "until " + to + " (not included)"
	}
	return from + " to " + to + " (not included)"
}

// yesNo writes a flag.
func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// role shows one job role in detail.
func (s *catalogueShow) role(r catalogue.JobRole) int {
	items := s.expand(r)
	if s.asJSON {
		return s.json(roleJSON{JobRole: r, Expanded: items})
	}
	var scopes []string
	for _, u := range r.OrderableIn {
		scopes = append(scopes, unitScope(u))
	}
	var births []string
	for _, b := range s.cat.Birthrights {
		if b.JobRole == r.ID {
			births = append(births, unitScope(catalogue.UnitScope{Unit: b.Unit, Inherit: b.Inherit}))
		}
	}
	fmt.Fprintf(s.stdout, "job role %s: %s\n", r.ID, r.Name)
	t := newTable(s.stdout)
	t.row("lifecycle:", string(r.Lifecycle))
	t.row("includes:", orDash(strings.Join(r.Includes, ", ")))
	t.row("orderable in:", or(strings.Join(scopes, ", "), "every unit"))
	t.row("titles:", titles(r.Titles))
	t.row("requires reason:", yesNo(r.RequiresReason))
	t.row("birthright in:", orDash(strings.Join(births, ", ")))
	t.flush()
	fmt.Fprintf(s.stdout, "\n%s (includes expanded)\n", count(len(items), "item"))
	t = newTable(s.stdout)
	t.row("ITEM", "KIND", "NAME", "FROM")
	for _, it := range items {
		t.row(itemName(it), orDash(it.Kind), orDash(it.Name), strings.Join(it.From, ", "))
	}
	t.flush()
	return 0
}

// system shows one system in detail.
func (s *catalogueShow) system(sys catalogue.System) int {
	granted := map[string][]string{}
	for _, r := range sys.Resources {
		granted[r.Key] = []string{}
	}
	for _, r := range s.cat.JobRoles {
		for _, it := range s.cat.Items(r.ID) {
			if it.System == sys.ID {
				granted[it.Resource] = append(granted[it.Resource], r.ID)
			}
		}
	}
	if s.asJSON {
		return s.json(systemJSON{System: sys, GrantedBy: granted})
	}
	digest := "a mail per task"
	if sys.Digest != "" {
		digest = "one digest mail every " + sys.Digest
	}
	if sys.Kind == catalogue.Integrated {
		digest = "-"
	}
	fmt.Fprintf(s.stdout, "system %s: %s\n", sys.ID, sys.Name)
	t := newTable(s.stdout)
	t.row("kind:", string(sys.Kind))
	t.row("connector:", orDash(sys.Connector))
	t.row("administrators:", orDash(strings.Join(sys.Administrators, ", ")))
	t.row("advisees:", orDash(strings.Join(sys.Advisees, ", ")))
	t.row("owners:", orDash(strings.Join(sys.Owners, ", ")))
	t.row("sensitive:", yesNo(sys.Sensitive))
	t.row("mails:", digest)
	t.flush()
	fmt.Fprintf(s.stdout, "\n%s\n", count(len(sys.Resources), "resource"))
	t = newTable(s.stdout)
	t.row("KEY", "NAME", "GROUP", "GRANTED BY")
	for _, r := range sys.Resources {
		t.row(r.Key, r.Name, orDash(r.Group), orDash(strings.Join(granted[r.Key], ", ")))
	}
	t.flush()
	return 0
}
