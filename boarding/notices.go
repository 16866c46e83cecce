package boarding

import (
	"fmt"
	"strings"

	"github.com/orgsync/orgsync/boarding/internal/orgread"
	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/orgmodel"
)

// notice returns the mail a fact of the order calls for, or ok false when
// it has nobody to go to (the fact is then told all the same: there is
// nobody to wait for).
func (d *Dispatcher) notice(v orgmodel.View, o *Order, fact string) (m connectors.Message, ok bool) {
	name, username, unit := d.who(v, o)
	orderer := addresses(o.OrderedBy, o.OnBehalfOf)
	hr := addresses(d.Engine.Rights.HR...)
	var to []connectors.Address
	var b strings.Builder
	fmt.Fprintf(&b, "Orgsync-Order: %s\nKind: %s\nState: %s\n\n", o.ID, o.Kind, o.State)
	switch fact {
	case factWelcome:
		to = orderer
		m.Subject = "orgsync: velkommen til " + oneLine(name)
		fmt.Fprintf(&b, "%s starter i %s.\n\n", oneLine(name), oneLine(unit))
		fmt.Fprintf(&b, "Brugernavn: %s\n", or2(username, "(endnu ikke oprettet)"))
		g := v.At(o.Start)
		if mails := orgread.Emails(g, o.Person); len(mails) > 0 {
			fmt.Fprintf(&b, "E-mail: %s\n", mails[0])
		}
		fmt.Fprintf(&b, "Første dag: %s\n", o.Start)
		if m := d.managerName(g, o); m != "" {
			fmt.Fprintf(&b, "Leder: %s\n", m)
		}
		b.WriteString("\nAdgangskoden sendes ikke med denne besked; den kommer for sig, som et engangslink.\n")
	case factFulfilled:
		to = append(orderer, hr...)
		m.Subject = "orgsync: bestillingen er " + map[OrderState]string{Fulfilled: "udført", PartiallyFulfilled: "delvist udført"}[o.State] + ": " + oneLine(name)
		fmt.Fprintf(&b, "Bestillingen for %s (%s) er %s.\n\n", oneLine(name), oneLine(unit), o.State)
		for _, t := range o.Tasks {
			what := t.Item.System + " " + t.Item.Resource
			if t.Item.IsEquipment() {
				what = fmt.Sprintf("%d × %s", t.Item.Quantity, t.Item.Equipment)
			}
			fmt.Fprintf(&b, "- %s %s: %s", t.Action, strings.TrimSpace(what), t.State)
			if t.Note != "" {
				fmt.Fprintf(&b, " (%s)", oneLine(t.Note))
			}
			b.WriteString("\n")
		}
	case factExpired:
		to = append(orderer, hr...)
		m.Subject = "orgsync: bestillingen er udløbet: " + oneLine(name)
		fmt.Fprintf(&b, "Bestillingen for %s (%s, første dag %s) er udløbet uden at blive aktiveret.\nDen ventede på:\n", oneLine(name), oneLine(unit), o.Start)
		for _, p := range o.Prerequisites {
			if !p.Held() {
				fmt.Fprintf(&b, "- %s\n", p.Kind)
			}
		}
		b.WriteString("\nBestil igen, når forudsætningerne er på plads.\n")
	case factRejected:
		to = addresses(o.OrderedBy)
		m.Subject = "orgsync: bestillingen er afvist: " + oneLine(name)
		fmt.Fprintf(&b, "Din bestilling for %s er afvist af lederen.\n", oneLine(name))
	case factReminded:
		to = addresses(o.OnBehalfOf)
		m.Subject = "orgsync: påmindelse: en bestilling venter på din godkendelse: " + oneLine(name)
		fmt.Fprintf(&b, "%s har bestilt for %s (%s) på dine vegne. Godkend eller afvis senest %s.\n",
			oneLine(o.OrderedBy), oneLine(name), oneLine(unit), o.Expires.In(d.Engine.Model.Zone().Location()).Format("2006-01-02 15:04"))
	case factEscalated:
		to = addresses(o.EscalatedTo, o.OnBehalfOf)
		m.Subject = "orgsync: en bestilling venter på godkendelse: " + oneLine(name)
		fmt.Fprintf(&b, "%s har ikke godkendt bestillingen for %s (%s), som %s afgav på lederens vegne.\nDu kan godkende eller afvise den som leder over %s, senest %s.\n",
			oneLine(o.OnBehalfOf), oneLine(name), oneLine(unit), oneLine(o.OrderedBy), oneLine(o.OnBehalfOf),
			o.Expires.In(d.Engine.Model.Zone().Location()).Format("2006-01-02 15:04"))
	}
	if len(to) == 0 {
		return m, false
	}
	m.Key, m.From, m.To, m.Text = mailKey(o, fact), d.From, to, b.String()
	return m, true
}

// managerName is the nearest manager of the order's unit on its day.
func (d *Dispatcher) managerName(g orgmodel.Graph, o *Order) string {
	units := []orgmodel.Unit{}
	if u, ok := g.Unit(o.Unit); ok {
		units = append(units, u)
	}
	units = append(units, g.Ancestors(o.Unit)...)
	for _, u := range units {
		for _, m := range g.Managers(u.ID, orgmodel.ManagerQuery{}) {
			if p, ok := g.Person(m.Person); ok && m.Person != o.Person {
				return orgread.Name(p.PersonAttrs)
			}
		}
	}
	return ""
}

func or2(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
