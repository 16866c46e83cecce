package boarding

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/orgmodel"
)

// secret sets a new employee's initial password in the directory, seals
// it as a one-time secret and returns the mail with its link, for the
// orderer to hand on. Without Passwords and Secrets configured, or with
// nobody to mail, it does nothing (ok false): the municipality delivers
// passwords its own way. A failure is for the next dispatch to try again:
// the password is set anew then, so only the newest link opens.
func (d *Dispatcher) secret(ctx context.Context, v orgmodel.View, o *Order, now time.Time) (connectors.Message, bool, error) {
	to := addresses(o.OrderedBy, o.OnBehalfOf)
	if d.Passwords == nil || d.Secrets == nil || d.BaseURL == "" || len(to) == 0 {
		return connectors.Message{}, false, nil
	}
	id, username := accountID(v, o.Person)
	if id == "" {
		return connectors.Message{}, false, fmt.Errorf("boarding: order %s: %w", o.ID, errNoAccount)
	}
	pw := connectors.RandomPassword(16)
	if err := d.Passwords.SetPassword(ctx, id, pw); err != nil {
		return connectors.Message{}, false, err
	}
	expires := d.Engine.Model.Zone().Start(o.Start).Add(or(d.SecretFor, 14*24*time.Hour))
	if expires.Before(now) {
		expires = now.Add(or(d.SecretFor, 14*24*time.Hour))
	}
	token, err := d.Secrets.Seal(ctx, pw, expires)
	if err != nil {
		return connectors.Message{}, false, err
	}
	name, _, _ := d.who(v, o)
	link := strings.TrimRight(d.BaseURL, "/") + "/boarding/secret?token=" + token
	text := fmt.Sprintf("Orgsync-Order: %s\n\nAdgangskoden til %s (brugernavn %s) kan ses én gang via linket herunder, indtil %s.\n"+
		"Giv linket til medarbejderen på den første dag; åbn det ikke selv. Er linket allerede brugt, så kontakt IT.\n"+
		"Får du flere af disse beskeder, gælder kun den nyeste.\n\n%s\n",
		o.ID, oneLine(name), username, expires.In(d.Engine.Model.Zone().Location()).Format("2006-01-02 15:04"), link)
	// The key holds the token's start, so a password set anew after a
	// failed dispatch goes out as a new mail rather than being taken for
	// the one the outbox has.
	return connectors.Message{Key: mailKey(o, factSecret) + "/" + token[:12], From: d.From, To: to,
		Subject: "orgsync: adgangskode til " + oneLine(name), Text: text}, true, nil
}

var errNoAccount = errors.New("the person has no AD account with a stable id in the org model")
