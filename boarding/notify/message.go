package notify

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	htmltemplate "html/template"
	"sort"
	"strings"

	"github.com/orgsync/orgsync/boarding/outbox"
	"github.com/orgsync/orgsync/connectors"
)

// Message writes a notice as a mail: the subject and plain part from the
// text template, the HTML part from the HTML template, the notice's key
// as the message's. It fails for a notice with no recipient, and with a
// *ConfigError naming the template's file and line if the template fails
// on this notice's data.
func (rs *Rules) Message(n *Notice) (connectors.Message, error) {
	if !n.Deliverable() {
		return connectors.Message{}, errors.New("notify: the notice has no recipient")
	}
	r := rs.rule(n.Rule)
	if r == nil {
		return connectors.Message{}, errors.New("notify: no rule " + clip(n.Rule))
	}
	out, err := r.tmpl.render(n.Data)
	if err != nil {
		return connectors.Message{}, err
	}
	m := connectors.Message{Key: n.Key, From: rs.cfg.From, ReplyTo: rs.cfg.ReplyTo, To: n.To, Cc: n.Cc,
		Subject: out.subject, Text: out.text, HTML: out.html}
	if err := connectors.CheckMessage(&m); err != nil {
		return connectors.Message{}, err
	}
	return m, nil
}

func (rs *Rules) rule(name string) *rule {
	for _, rl := range rs.byTrigger {
		for _, r := range rl {
			if r.Name == name {
				return r
			}
		}
	}
	return nil
}

// Digested reports whether the notice's rule gathers notices into
// digests, and if so, the group it goes into: the rule and its
// recipients.
func (rs *Rules) Digested(n *Notice) (group string, ok bool) {
	r := rs.rule(n.Rule)
	if r == nil || r.Digest <= 0 {
		return "", false
	}
	var b strings.Builder
	b.WriteString(n.Rule)
	for _, list := range [][]connectors.Address{n.To, n.Cc} {
		addrs := make([]string, len(list))
		for i, a := range list {
			addrs[i] = strings.ToLower(a.Addr)
		}
		sort.Strings(addrs)
		b.WriteString("|" + strings.Join(addrs, ","))
	}
	return b.String(), true
}

// Digest writes the notices of one group as one mail, with the digest
// template. Its key is the group's and the notices', so the same digest
// is queued once.
func (rs *Rules) Digest(held []outbox.Held) (connectors.Message, error) {
	if len(held) == 0 {
		return connectors.Message{}, errors.New("notify: an empty digest")
	}
	data := DigestData{Rule: strings.SplitN(held[0].Group, "|", 2)[0], Count: len(held), First: held[0].HeldAt, Last: held[0].HeldAt}
	h := sha256.New()
	h.Write([]byte(held[0].Group))
	for _, x := range held {
		if x.HeldAt.After(data.Last) {
			data.Last = x.HeldAt
		}
		data.Notices = append(data.Notices, DigestNotice{Subject: x.Message.Subject, Text: x.Message.Text,
			HTML: htmltemplate.HTML(x.Message.HTML)}) // written by a notice's html/template
		h.Write([]byte{0})
		h.Write([]byte(x.Message.Key))
	}
	out, err := rs.templates[DigestTemplate].render(data)
	if err != nil {
		return connectors.Message{}, err
	}
	first := held[0].Message
	m := connectors.Message{Key: "notify/digest/" + hex.EncodeToString(h.Sum(nil))[:32], From: rs.cfg.From, ReplyTo: rs.cfg.ReplyTo,
		To: first.To, Cc: first.Cc, Subject: out.subject, Text: out.text, HTML: out.html}
	if err := connectors.CheckMessage(&m); err != nil {
		return connectors.Message{}, err
	}
	return m, nil
}
