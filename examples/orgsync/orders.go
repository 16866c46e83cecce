package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/orgsync/orgsync/boarding"
	"github.com/orgsync/orgsync/boarding/boardingdb"
	"github.com/orgsync/orgsync/internal/redact"
	"github.com/orgsync/orgsync/orgmodel/timeline"
	"github.com/orgsync/orgsync/statedb"
)

const ordersUsage = `usage: orgsync orders list --db URL [--state S]... [--open] [--person UUID] [--unit UUID]
                          [--kind onboard|change|offboard] [--limit N] [--json]
       orgsync orders show ID --db URL [--json]

The boarding orders (package boarding) in the state database: onboarding,
change and offboarding orders, their prerequisites, their tasks and the
audit log of every transition.

  list  the orders the flags select, oldest first: id, kind, state, the
        person (or the pending hire's name), the unit, the first day, when
        it was placed, and its tasks as done/open/total (open: not over
        yet; the rest were refused, failed or cancelled); --json: one JSON
        object an order
  show  one order in full: its fields, its prerequisites (held or not, by
        whom, on what evidence), its tasks (item, action, state, who closed
        it, their note) and its timeline from the audit log (time, actor and
        whom they acted for, event, from → to, reason); --json: one JSON
        document {"order": …, "timeline": […]}

Times are in the organisation's zone (` + timeline.DefaultZoneName + `). The state
database's key is read from --db-key-file or ORGSYNC_DB_KEY. Nothing
printed holds a national id in full.

The exit status is 0 when the command did what it says, 1 when the
database refused or has no order with the id, and 2 for a usage error.

flags:
`

// ordersCmd is one run of the orders command.
type ordersCmd struct {
	sub            string
	stdout, stderr io.Writer
	db, dbKeyFile  string
	asJSON         bool
	loc            *time.Location
}

func (c *ordersCmd) fail(code int, format string, a ...any) int {
	fmt.Fprintf(c.stderr, "orgsync orders %s: %s\n", c.sub, redact.NationalIDs(fmt.Sprintf(format, a...)))
	return code
}

// runOrders is the orders command.
func runOrders(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || (args[0] != "list" && args[0] != "show") {
		fmt.Fprint(stderr, ordersUsage)
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
			return 0
		}
		return 2
	}
	c := &ordersCmd{sub: args[0], stdout: stdout, stderr: stderr, loc: timeline.DefaultZone().Location()}
	fs := flag.NewFlagSet("orgsync orders "+c.sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(fs.Output(), ordersUsage); fs.PrintDefaults() }
	fs.StringVar(&c.db, "db", "", "the state database holding the orders, at `URL` (sqlite:PATH or postgres://…)")
	fs.StringVar(&c.dbKeyFile, "db-key-file", "", "a `FILE` holding the database's key (default ORGSYNC_DB_KEY)")
	fs.BoolVar(&c.asJSON, "json", false, "print JSON: one object an order (list), one document (show)")
	var (
		states multiFlag
		open   = fs.Bool("open", false, "list: only the orders not yet over (not fulfilled, partially fulfilled, rejected, cancelled or expired)")
		person = fs.String("person", "", "list: only the orders of the person with this `UUID`")
		unit   = fs.String("unit", "", "list: only the orders for the unit with this `UUID`")
		kind   = fs.String("kind", "", "list: only the orders of this `kind`: onboard, change or offboard")
		limit  = fs.Int("limit", 100, "list: at most this many orders, the oldest first (0: all)")
	)
	fs.Var(&states, "state", "list: only the orders in this `state` (may be repeated, or comma-separated)")
	pos, err := parseInterleaved(fs, args[1:])
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if c.sub == "show" {
		switch {
		case len(pos) == 0:
			return c.fail(2, "give the order's ID (see orgsync orders list)")
		case len(pos) > 1:
			return c.fail(2, "unexpected argument %q: one order at a time", clip(pos[1]))
		}
		listOnly := false
		fs.Visit(func(f *flag.Flag) {
			listOnly = listOnly || slices.Contains([]string{"state", "open", "person", "unit", "kind", "limit"}, f.Name)
		})
		if listOnly {
			return c.fail(2, "--state, --open, --person, --unit, --kind and --limit go with list")
		}
		id, err := uuid.Parse(pos[0])
		if err != nil {
			return c.fail(2, "%q is not an order's id (a UUID, as orgsync orders list shows it)", clip(pos[0]))
		}
		return c.show(ctx, id)
	}
	if len(pos) > 0 {
		return c.fail(2, "unexpected argument %q (see -h)", clip(pos[0]))
	}
	q, code := c.query(states, *open, *person, *unit, *kind, *limit)
	if code != 0 {
		return code
	}
	return c.list(ctx, q)
}

// query reads list's flags into a query, or fails with status 2.
func (c *ordersCmd) query(states []string, open bool, person, unit, kind string, limit int) (boarding.Query, int) {
	q := boarding.Query{Open: open, Limit: limit}
	for _, s := range states {
		for name := range strings.SplitSeq(s, ",") {
			st := boarding.OrderState(strings.TrimSpace(name))
			if !slices.Contains(boarding.OrderStates, st) {
				return q, c.fail(2, "--state %q: want one of %s", clip(name), joinStates(boarding.OrderStates))
			}
			if !slices.Contains(q.States, st) {
				q.States = append(q.States, st)
			}
		}
	}
	for _, f := range []struct {
		name, v string
		dst     *uuid.UUID
	}{{"person", person, &q.Person}, {"unit", unit, &q.Unit}} {
		if f.v == "" {
			continue
		}
		id, err := uuid.Parse(f.v)
		if err != nil || id == uuid.Nil {
			return q, c.fail(2, "--%s %q: want the %s's UUID", f.name, clip(f.v), f.name)
		}
		*f.dst = id
	}
	switch k := boarding.OrderKind(kind); k {
	case "", boarding.Onboard, boarding.Change, boarding.Offboard:
		q.Kind = k
	default:
		return q, c.fail(2, "--kind %q: want onboard, change or offboard", clip(kind))
	}
	if limit < 0 {
		return q, c.fail(2, "--limit cannot be negative")
	}
	return q, 0
}

// joinStates lists states for a message.
func joinStates(states []boarding.OrderState) string {
	s := make([]string, len(states))
	for i, st := range states {
		s[i] = string(st)
	}
	return strings.Join(s, ", ")
}

// store opens the database's boarding store; close closes the database.
func (c *ordersCmd) store(ctx context.Context) (boarding.Store, func(), int) {
	if c.db == "" {
		return nil, nil, c.fail(2, "give --db URL: the state database the orders are in")
	}
	db, err := openStateDB(ctx, c.db, c.dbKeyFile)
	if err != nil {
		if errors.Is(err, statedb.ErrInvalid) || errors.Is(err, statedb.ErrKey) {
			return nil, nil, c.fail(2, "--db: %v", err)
		}
		return nil, nil, c.fail(1, "--db: %v", err)
	}
	return boardingdb.New(db), func() { db.Close() }, 0
}

// taskCounts are an order's tasks as list counts them.
type taskCounts struct {
	// Done are the tasks done; Open those not over yet (pending, open,
	// executing); Total all of them (the rest were refused, failed or
	// cancelled).
	Done  int `json:"done"`
	Open  int `json:"open"`
	Total int `json:"total"`
}

// orderLine is one order of the listing, as JSON.
type orderLine struct {
	ID          uuid.UUID           `json:"id"`
	Kind        boarding.OrderKind  `json:"kind"`
	State       boarding.OrderState `json:"state"`
	Person      *uuid.UUID          `json:"person,omitempty"`
	PendingHire string              `json:"pending_hire,omitempty"`
	Unit        uuid.UUID           `json:"unit"`
	Start       string              `json:"start"`
	Created     time.Time           `json:"created"`
	Tasks       taskCounts          `json:"tasks"`
}

// countTasks counts an order's tasks.
func countTasks(o *boarding.Order) taskCounts {
	n := taskCounts{Total: len(o.Tasks)}
	for _, t := range o.Tasks {
		switch {
		case t.State == boarding.Done:
			n.Done++
		case !t.State.Terminal():
			n.Open++
		}
	}
	return n
}

// hireName is a pending hire's name, or "".
func hireName(o *boarding.Order) string {
	if o.Pending == nil {
		return ""
	}
	return oneLineText(o.Pending.GivenNames + " " + o.Pending.Surname)
}

// who is the order's person for a table: the person's id, or the pending
// hire's name.
func who(o *boarding.Order) string {
	if o.Person != uuid.Nil {
		return o.Person.String()
	}
	if name := hireName(o); name != "" {
		return clip(name) + " (pending hire)"
	}
	return "-"
}

// idOrDash writes an id, or "-" for none.
func idOrDash(id uuid.UUID) string {
	if id == uuid.Nil {
		return "-"
	}
	return id.String()
}

// minute writes a time to the minute in the zone, or "-" for none.
func (c *ordersCmd) minute(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.In(c.loc).Format("2006-01-02 15:04")
}

// write writes what the command printed, with every national id in it
// masked: orders should hold none, but their free text (names, reasons,
// notes, evidence) is typed by people.
func (c *ordersCmd) write(b *bytes.Buffer) {
	io.WriteString(c.stdout, redact.NationalIDs(b.String()))
}

func (c *ordersCmd) list(ctx context.Context, q boarding.Query) int {
	store, closeDB, code := c.store(ctx)
	if store == nil {
		return code
	}
	defer closeDB()
	orders, err := store.List(ctx, q)
	if err != nil {
		return c.fail(1, "%v", err)
	}
	var out bytes.Buffer
	defer c.write(&out)
	if c.asJSON {
		enc := json.NewEncoder(&out)
		for i := range orders {
			o := &orders[i]
			l := orderLine{ID: o.ID, Kind: o.Kind, State: o.State, PendingHire: hireName(o), Unit: o.Unit,
				Start: o.Start.String(), Created: o.Created.In(c.loc), Tasks: countTasks(o)}
			if o.Person != uuid.Nil {
				l.Person = &o.Person
			}
			if err := enc.Encode(l); err != nil {
				return c.fail(1, "%v", err)
			}
		}
		return 0
	}
	t := newTable(&out)
	t.row("ID", "KIND", "STATE", "PERSON", "UNIT", "START", "CREATED", "TASKS")
	for i := range orders {
		o := &orders[i]
		n := countTasks(o)
		t.row(o.ID.String(), string(o.Kind), string(o.State), who(o), idOrDash(o.Unit), o.Start.String(),
			c.minute(o.Created), fmt.Sprintf("%d/%d/%d", n.Done, n.Open, n.Total))
	}
	t.flush()
	fmt.Fprintln(&out, count(len(orders), "order"))
	if q.Limit > 0 && len(orders) == q.Limit {
		fmt.Fprintf(c.stderr, "orgsync orders list: the first %d orders the flags select, the oldest first; --limit 0 lists them all\n", q.Limit)
	}
	return 0
}

// orderJSON is one order as show --json prints it.
type orderJSON struct {
	// Order is the order as the store keeps it.
	Order *boarding.Order `json:"order"`
	// Timeline is its audit log, the oldest entry first.
	Timeline []boarding.AuditEntry `json:"timeline"`
}

func (c *ordersCmd) show(ctx context.Context, id uuid.UUID) int {
	store, closeDB, code := c.store(ctx)
	if store == nil {
		return code
	}
	defer closeDB()
	o, err := store.Get(ctx, id)
	if err != nil {
		return c.fail(1, "%s: %v", id, err)
	}
	log, err := store.Audit(ctx, id)
	if err != nil {
		return c.fail(1, "%s: the audit log: %v", id, err)
	}
	var out bytes.Buffer
	defer c.write(&out)
	if c.asJSON {
		if log == nil {
			log = []boarding.AuditEntry{}
		}
		enc := json.NewEncoder(&out)
		enc.SetIndent("", "  ")
		if err := enc.Encode(orderJSON{Order: o, Timeline: log}); err != nil {
			return c.fail(1, "%v", err)
		}
		return 0
	}
	c.printOrder(&out, o)
	c.printPrerequisites(&out, o)
	tasks := c.printTasks(&out, o)
	c.printTimeline(&out, log, tasks)
	return 0
}

// printOrder writes the order's own fields.
func (c *ordersCmd) printOrder(w io.Writer, o *boarding.Order) {
	fmt.Fprintf(w, "order %s: %s, %s\n", o.ID, o.Kind, o.State)
	t := newTable(w)
	t.row("key:", oneLineText(o.Key))
	if o.Person != uuid.Nil {
		t.row("person:", o.Person.String())
	}
	if o.Pending != nil {
		hire := hireName(o)
		if o.Pending.EmploymentNumber != "" {
			hire += ", employment number " + oneLineText(o.Pending.EmploymentNumber)
		}
		t.row("pending hire:", hire)
	}
	if o.Person == uuid.Nil && o.Pending == nil {
		t.row("person:", "-")
	}
	t.row("engagement:", idOrDash(o.Engagement))
	t.row("unit:", idOrDash(o.Unit))
	t.row("job roles:", orDash(strings.Join(o.Roles, ", ")))
	day := "first day:"
	if o.Kind == boarding.Offboard {
		day = "items go on:"
	}
	t.row(day, o.Start.String())
	t.row("reason:", orDash(oneLineText(o.Reason)))
	by := orDash(o.OrderedBy)
	if o.OnBehalfOf != "" {
		by += " for " + o.OnBehalfOf
	}
	t.row("ordered by:", by)
	t.row("created:", c.minute(o.Created))
	t.row("updated:", c.minute(o.Updated))
	t.row("expires:", c.minute(o.Expires))
	t.row("version:", fmt.Sprint(o.Version))
	t.flush()
}

// printPrerequisites writes the order's prerequisites.
func (c *ordersCmd) printPrerequisites(w io.Writer, o *boarding.Order) {
	held := 0
	for _, p := range o.Prerequisites {
		if p.Held() {
			held++
		}
	}
	fmt.Fprintf(w, "\nprerequisites: %d of %d held\n", held, len(o.Prerequisites))
	if len(o.Prerequisites) == 0 {
		return
	}
	t := newTable(w)
	t.row("PREREQUISITE", "HELD SINCE", "BY", "EVIDENCE")
	for _, p := range o.Prerequisites {
		since := "not held"
		if p.Held() {
			since = c.minute(p.Satisfied)
		}
		t.row(string(p.Kind), since, orDash(oneLineText(p.By)), orDash(oneLineText(p.Evidence)))
	}
	t.flush()
}

// printTasks writes the order's tasks and returns the short name each
// task goes by in the timeline.
func (c *ordersCmd) printTasks(w io.Writer, o *boarding.Order) map[uuid.UUID]string {
	names := map[uuid.UUID]string{}
	done := 0
	for i, task := range o.Tasks {
		names[task.ID] = fmt.Sprintf("#%d", i+1)
		if task.State == boarding.Done {
			done++
		}
	}
	fmt.Fprintf(w, "\ntasks: %d of %d done\n", done, len(o.Tasks))
	if len(o.Tasks) == 0 {
		return names
	}
	t := newTable(w)
	t.row("TASK", "ITEM", "ACTION", "BY", "STATE", "CLOSED", "CLOSED BY", "NOTE")
	for _, task := range o.Tasks {
		via := "mail"
		if task.Integrated {
			via = "connector"
		}
		notes := nonEmpty(oneLineText(task.Note))
		if task.LastError != "" {
			notes = append(notes, fmt.Sprintf("last error (attempt %d): %s", task.Attempts, oneLineText(task.LastError)))
		}
		note := strings.Join(notes, "; ")
		t.row(names[task.ID], taskItem(task.Item), string(task.Action), via, string(task.State), c.minute(task.Closed),
			orDash(oneLineText(task.ClosedBy)), orDash(note))
	}
	t.flush()
	return names
}

// taskItem writes a task's item: "system/resource", or the equipment with
// the quantity when there is more than one.
func taskItem(it boarding.Item) string {
	return itemName(expandedItem{System: it.System, Resource: it.Resource, Equipment: it.Equipment, Quantity: it.Quantity})
}

// printTimeline writes the audit log.
func (c *ordersCmd) printTimeline(w io.Writer, log []boarding.AuditEntry, tasks map[uuid.UUID]string) {
	fmt.Fprintf(w, "\ntimeline: %s\n", count(len(log), "entry", "entries"))
	if len(log) == 0 {
		return
	}
	t := newTable(w)
	t.row("TIME", "ACTOR", "EVENT", "TASK", "FROM → TO", "REASON")
	for _, e := range log {
		actor := orDash(oneLineText(e.Actor))
		if e.ActingFor != "" {
			actor += " (for " + oneLineText(e.ActingFor) + ")"
		}
		task := "-"
		if e.Task != uuid.Nil {
			task = or(tasks[e.Task], e.Task.String())
		}
		move := "-"
		if e.From != "" || e.To != "" {
			move = orDash(e.From) + " → " + orDash(e.To)
		}
		t.row(e.At.In(c.loc).Format("2006-01-02 15:04:05"), actor, e.Event, task, move, orDash(oneLineText(e.Reason)))
	}
	t.flush()
}
