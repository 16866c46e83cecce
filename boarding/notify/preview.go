package notify

import (
	"errors"

	"github.com/orgsync/orgsync/connectors"
)

// previewAddress stands for recipients the model would give.
var previewAddress = connectors.Address{Name: "Modtager", Addr: "modtager@eksempel.invalid"}

// Preview writes the named rule's mail on the sample notice that Compile
// tries every template on (a hire of Åse Ørsted in Skolen ved Søen),
// addressed to the rule's fixed addresses, or to a stand-in for those the
// model would give. It is for someone editing a template: what it shows
// is what a real notice of the rule looks like. The digest template is
// previewed as the rule "digest".
func (rs *Rules) Preview(rule string) (connectors.Message, error) {
	var (
		out rendered
		err error
		to  []connectors.Address
	)
	key := "notify/preview/" + rule
	switch r := rs.rule(rule); {
	case r != nil:
		d := sampleData()
		d.Rule, d.Trigger = r.Name, r.Trigger
		out, err = r.tmpl.render(d)
		for _, a := range r.To.Addresses {
			to = append(to, connectors.Address{Addr: a})
		}
	case rule == DigestTemplate:
		out, err = rs.templates[DigestTemplate].render(sampleDigest())
	default:
		return connectors.Message{}, errors.New("notify: no rule " + clip(rule))
	}
	if err != nil {
		return connectors.Message{}, err
	}
	if len(to) == 0 {
		to = []connectors.Address{previewAddress}
	}
	m := connectors.Message{Key: key, From: rs.cfg.From, ReplyTo: rs.cfg.ReplyTo, To: to,
		Subject: out.subject, Text: out.text, HTML: out.html}
	return m, connectors.CheckMessage(&m)
}

// RuleNames returns the rules' names in the configuration's order.
func (rs *Rules) RuleNames() []string {
	out := make([]string, len(rs.cfg.Rules))
	for i, r := range rs.cfg.Rules {
		out[i] = r.Name
	}
	return out
}
