package boarding

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/orgsync/orgsync/boarding/internal/orgread"
	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/orgmodel"
)

// TaskMailVersion is the version of the task mail's machine-readable
// block. Municipalities parse task mails with scripts, so the block's
// keys and their order only ever grow, and a change that would break a
// parser gets a new version.
const TaskMailVersion = 1

// The task mail: a plain-text block of "Key: value" lines, one block per
// task (a digest holds several, each starting with its Orgsync-Task line
// and separated by a line of "---"), then the same in words, in Danish:
//
//	Orgsync-Task: 1
//	Order: 5f0c…
//	Task: 9a1e…
//	Action: grant
//	System: aula
//	Resource: laerer
//	Person: Åse Ørsted
//	Username: aoe
//	Unit: Sjølund Kommune / Børn og Unge / Skolen ved Søen
//	First-Day: 2027-03-01
//	Ordered-By: soeren@sjolund.dk
//	Done: https://orgsync.sjolund.dk/boarding/confirm?token=…
//	Refuse: https://orgsync.sjolund.dk/boarding/confirm?token=…
//
// Values are on one line (line breaks in names become spaces); a key
// with no value is left out; equipment tasks have Equipment and Quantity
// in place of System and Resource.

// taskFacts is what a task mail says about one task.
type taskFacts struct {
	order       *Order
	task        *Task
	person      string
	username    string
	unitPath    string
	system      string // the system's name, for the words
	resource    string // the resource's or equipment's name
	done, refus string // the links
}

// block writes the machine-readable block of one task.
func (f *taskFacts) block(b *strings.Builder) {
	line := func(k, v string) {
		if v = oneLine(v); v != "" {
			fmt.Fprintf(b, "%s: %s\n", k, v)
		}
	}
	t := f.task
	line("Orgsync-Task", fmt.Sprint(TaskMailVersion))
	line("Order", f.order.ID.String())
	line("Task", t.ID.String())
	line("Action", string(t.Action))
	line("System", t.Item.System)
	line("Resource", t.Item.Resource)
	line("Equipment", t.Item.Equipment)
	if t.Item.IsEquipment() {
		line("Quantity", fmt.Sprint(t.Item.Quantity))
	}
	line("Person", f.person)
	line("Username", f.username)
	line("Unit", f.unitPath)
	if f.order.Kind == Offboard {
		line("Last-Day", f.order.Start.AddDays(-1).String())
	} else {
		line("First-Day", f.order.Start.String())
	}
	line("Ordered-By", f.order.OrderedBy)
	line("Done", f.done)
	line("Refuse", f.refus)
}

// words says the task in Danish.
func (f *taskFacts) words(b *strings.Builder) {
	t := f.task
	what := map[Action]string{Grant: "Tildel", Revoke: "Fjern", Deliver: "Udlevér", Reclaim: "Tag retur"}[t.Action]
	if t.Item.IsEquipment() {
		fmt.Fprintf(b, "%s %d × %s til %s", what, t.Item.Quantity, f.resource, f.person)
	} else {
		fmt.Fprintf(b, "%s %s i %s til %s", what, f.resource, f.system, f.person)
	}
	if f.username != "" {
		fmt.Fprintf(b, " (%s)", f.username)
	}
	fmt.Fprintf(b, ", %s.\n", f.unitPath)
	if f.order.Kind == Offboard {
		fmt.Fprintf(b, "Sidste dag: %s.\n", f.order.Start.AddDays(-1))
	} else {
		fmt.Fprintf(b, "Første dag: %s.\n", f.order.Start)
	}
	if f.done != "" {
		fmt.Fprintf(b, "Udført: %s\nAfvis (med begrundelse): %s\n", f.done, f.refus)
	}
}

func oneLine(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' || r < ' ' }), " ")
}

// facts gathers what a task mail says about a task.
func (d *Dispatcher) facts(v orgmodel.View, o *Order, t *Task, now time.Time) *taskFacts {
	f := &taskFacts{order: o, task: t}
	f.person, f.username, f.unitPath = d.who(v, o)
	if t.Item.IsEquipment() {
		f.resource = t.Item.Equipment
		if k, ok := d.Engine.Catalogue.EquipmentKind(t.Item.Equipment); ok {
			f.resource = k.Name
		}
	} else {
		f.system, f.resource = t.Item.System, t.Item.Resource
		if s, ok := d.Engine.Catalogue.System(t.Item.System); ok {
			f.system = s.Name
		}
		if r, ok := d.Engine.Catalogue.Resource(t.Item.System, t.Item.Resource); ok {
			f.resource = r.Name
		}
	}
	if d.Signer != nil && d.BaseURL != "" {
		exp := now.Add(or(d.LinkFor, 30*24*time.Hour))
		url := strings.TrimRight(d.BaseURL, "/") + "/boarding/confirm?token="
		f.done = url + d.Signer.Sign(Link{Order: o.ID, Task: t.ID, Answer: LinkDone, Expires: exp})
		f.refus = url + d.Signer.Sign(Link{Order: o.ID, Task: t.ID, Answer: LinkRefuse, Expires: exp})
	}
	return f
}

// who names the order's person, their AD username and the unit's path.
func (d *Dispatcher) who(v orgmodel.View, o *Order) (name, username, unit string) {
	g := v.At(o.Start)
	if p, ok := orgread.Latest[orgmodel.PersonAttrs](v, o.Person, o.Start); ok {
		name = orgread.Name(p)
	} else if o.Pending != nil {
		name = strings.TrimSpace(o.Pending.GivenNames + " " + o.Pending.Surname)
	}
	username = account(v, o.Person)
	if u, ok := orgread.Latest[orgmodel.UnitAttrs](v, o.Unit, o.Start); ok {
		unit = orgread.Path(g, o.Unit, u.Name)
	}
	return name, username, unit
}

// taskMail is the mail of one or more tasks of one system, to its
// administrators (the equipment desk for equipment).
func (d *Dispatcher) taskMail(key string, to []connectors.Address, tasks []*taskFacts) connectors.Message {
	var b strings.Builder
	for i, f := range tasks {
		if i > 0 {
			b.WriteString("---\n")
		}
		f.block(&b)
	}
	b.WriteString("\n")
	for _, f := range tasks {
		f.words(&b)
		b.WriteString("\n")
	}
	first := tasks[0]
	subject := fmt.Sprintf("orgsync: %s %s: %s", first.task.Action, first.system+first.resourceIfEquipment(), first.person)
	if len(tasks) > 1 {
		subject = fmt.Sprintf("orgsync: %d opgaver i %s", len(tasks), first.system+first.resourceIfEquipment())
	}
	return connectors.Message{Key: key, From: d.From, To: to, Cc: d.adviseesOf(first.task, to), Subject: subject, Text: b.String()}
}

// adviseesOf returns the system's FYI recipients (the catalogue's
// advisees) who are not among to: told of its grants, with nothing to do.
func (d *Dispatcher) adviseesOf(t *Task, to []connectors.Address) []connectors.Address {
	if t.Item.IsEquipment() {
		return nil
	}
	s, ok := d.Engine.Catalogue.System(t.Item.System)
	if !ok {
		return nil
	}
	var out []connectors.Address
	for _, a := range addresses(s.Advisees...) {
		if !slices.ContainsFunc(to, func(x connectors.Address) bool { return fold(x.Addr) == fold(a.Addr) }) {
			out = append(out, a)
		}
	}
	return out
}

// fyiMail tells an integrated system's advisees what its connector did.
func (d *Dispatcher) fyiMail(v orgmodel.View, o *Order, t *Task, to []connectors.Address) connectors.Message {
	f := d.facts(v, o, t, time.Time{})
	f.done, f.refus = "", ""
	var b strings.Builder
	f.block(&b)
	b.WriteString("\nTil orientering; der er intet at gøre. Udført af systemets connector:\n")
	f.words(&b)
	return connectors.Message{Key: mailKey(o, taskFact(t, "fyi")), From: d.From, To: to,
		Subject: "orgsync: til orientering: " + string(t.Action) + " " + f.system + ": " + f.person, Text: b.String()}
}

func (f *taskFacts) resourceIfEquipment() string {
	if f.task.Item.IsEquipment() {
		return "udstyr"
	}
	return ""
}

// withdrawnMail tells a system's administrators that a task they were
// sent is withdrawn: its order was cancelled.
func (d *Dispatcher) withdrawnMail(v orgmodel.View, o *Order, t *Task, to []connectors.Address) connectors.Message {
	f := d.facts(v, o, t, time.Time{})
	f.done, f.refus = "", ""
	var b strings.Builder
	f.block(&b)
	b.WriteString("Withdrawn: " + oneLine(t.Note) + "\n\nOpgaven er trukket tilbage; den skal ikke udføres:\n")
	f.words(&b)
	return connectors.Message{Key: mailKey(o, taskFact(t, "withdrawn")), From: d.From, To: to,
		Subject: "orgsync: trukket tilbage: " + string(t.Action) + " " + f.system + ": " + f.person, Text: b.String()}
}

// mailKey is the outbox key of an order's notice.
func mailKey(o *Order, fact string) string { return "boarding/" + o.ID.String() + "/" + fact }

// digestKey is the outbox key of a digest: the system and its tasks, so
// that the same digest offered again is queued once.
func digestKey(system string, tasks []uuid.UUID) string {
	ids := make([]string, len(tasks))
	for i, t := range tasks {
		ids[i] = t.String()
	}
	slices.Sort(ids)
	h := sha256.Sum256([]byte(strings.Join(ids, ",")))
	return "boarding/digest/" + system + "/" + hex.EncodeToString(h[:12])
}

// addresses parses the people who are mail addresses ("hr@sjolund.dk");
// logins are left out.
func addresses(people ...string) []connectors.Address {
	var out []connectors.Address
	for _, p := range people {
		if a, err := mail.ParseAddress(p); err == nil && !slices.ContainsFunc(out, func(x connectors.Address) bool { return fold(x.Addr) == fold(a.Address) }) {
			out = append(out, connectors.Address{Name: a.Name, Addr: a.Address})
		}
	}
	return out
}

// recipientsOf returns who carries out the task: the system's
// administrators, or the equipment desk.
func (d *Dispatcher) recipientsOf(t *Task) []connectors.Address {
	if t.Item.IsEquipment() {
		return addresses(d.Engine.Rights.Equipment...)
	}
	return addresses(d.Engine.administrators(t.Item)...)
}
