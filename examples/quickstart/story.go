package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/orgsync/orgsync/connectors"
)

// person is someone in the story.
type person struct {
	given, surname, unit string
	id                   connectors.ID
	sam                  string
}

// run tells the story: an organisation's units and staff are created
// (joiners), one moves to another unit (mover), one leaves and is
// disabled and moved to the chapel OU (leaver), and the change feed shows
// what changed. It needs every capability of the contract.
func run(ctx context.Context, dir connectors.Directory, base string, keep bool, w io.Writer) error {
	caps := connectors.Capabilities(dir)
	fmt.Fprintf(w, "capabilities: %s\n", strings.Join(caps, ", "))
	if len(caps) < 8 {
		return errors.New("the story needs every capability of the Directory contract")
	}
	s := &story{dir: dir, ctx: ctx, w: w, suffix: randomSuffix()}
	if err := dir.Ping(ctx); err != nil {
		return err
	}

	// A root OU of our own, so that the story never touches anything else.
	root, err := s.ou("orgsync-quickstart-"+s.suffix, base)
	if err != nil {
		return err
	}
	if !keep {
		defer s.removeTree(root)
	}
	rootDN := s.dn(root)
	units := map[string]string{}
	for _, name := range []string{"Borgerservice", "Teknik og Miljø", "Kapel"} {
		id, err := s.ou(name, rootDN)
		if err != nil {
			return err
		}
		units[name] = s.dn(id)
	}
	fmt.Fprintf(w, "\nunits below %s:\n", rootDN)
	for _, name := range []string{"Borgerservice", "Teknik og Miljø", "Kapel"} {
		fmt.Fprintf(w, "  %s\n", units[name])
	}

	staff := []*person{
		{given: "Karina", surname: "Jensen", unit: "Borgerservice"},
		{given: "Søren", surname: "Ærø-Østergård", unit: "Borgerservice"},
		{given: "Åse", surname: "Lund, (vikar)", unit: "Teknik og Miljø"},
	}
	group, err := s.group("Borgerservice-alle", rootDN)
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "\njoiners:")
	for i, p := range staff {
		if err := s.join(p, units[p.unit], i); err != nil {
			return err
		}
		if p.unit == "Borgerservice" {
			if err := dir.(connectors.GroupManager).AddMember(ctx, group, p.id); err != nil {
				return err
			}
		}
		fmt.Fprintf(w, "  %-28s %-10s enabled, in %s\n", p.given+" "+p.surname, p.sam, p.unit)
	}

	token, err := dir.(connectors.ChangeReader).LatestToken(ctx)
	if err != nil {
		return err
	}

	// Mover: Søren moves to Teknik og Miljø (a new OU and a group less).
	mover := staff[1]
	newDN, err := dir.(connectors.Mover).Move(ctx, mover.id, connectors.MoveRequest{NewParent: units["Teknik og Miljø"]})
	if err != nil {
		return err
	}
	if err := dir.(connectors.GroupManager).RemoveMember(ctx, group, mover.id); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nmover: %s %s is now %s\n", mover.given, mover.surname, newDN)

	// Leaver: Karina leaves; her account is disabled and held in the
	// chapel OU, with the same identity, until the chapel deletes it.
	leaver := staff[0]
	if err := dir.(connectors.Enabler).SetEnabled(ctx, leaver.id, false); err != nil {
		return err
	}
	chapelDN, err := dir.(connectors.Mover).Move(ctx, leaver.id, connectors.MoveRequest{NewParent: units["Kapel"]})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "leaver: %s %s is disabled and held at %s\n", leaver.given, leaver.surname, chapelDN)

	// A mistake is refused with a typed error, and nothing changes.
	dup := &person{given: "Karina", surname: "Jensen", unit: "Borgerservice", sam: leaver.sam}
	if err := s.create(dup, units["Borgerservice"]); err != nil {
		fmt.Fprintf(w, "\na second account named %s is refused: %v\n", leaver.sam, err)
	} else {
		return fmt.Errorf("the directory accepted a second account named %s", leaver.sam)
	}

	fmt.Fprintln(w, "\nchanges since the joiners, from the change feed:")
	changes, err := s.changes(token, rootDN)
	if err != nil {
		return err
	}
	for _, c := range changes {
		fmt.Fprintf(w, "  %s\n", c)
	}

	fmt.Fprintln(w, "\ngroup Borgerservice-alle:")
	g, err := dir.Read(ctx, group, []string{"member"})
	if err != nil {
		return err
	}
	for _, m := range g.Get("member") {
		fmt.Fprintf(w, "  %s\n", m)
	}
	fmt.Fprintln(w, "\ndisabled accounts:")
	return dir.Search(ctx, connectors.SearchRequest{BaseDN: rootDN, Filter: connectors.And(
		connectors.Eq("objectCategory", "person"), connectors.BitAnd("userAccountControl", 2)),
		Attributes: []string{"sAMAccountName"}},
		func(e *connectors.Entry) error {
			fmt.Fprintf(w, "  %s (%s)\n", e.First("sAMAccountName"), e.DN)
			return nil
		})
}

type story struct {
	dir    connectors.Directory
	ctx    context.Context
	w      io.Writer
	suffix string
}

func randomSuffix() string {
	b := make([]byte, 3)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func (s *story) dn(id connectors.ID) string {
	e, err := s.dir.Read(s.ctx, id, []string{"1.1"})
	if err != nil {
		return string(id)
	}
	return e.DN
}

func (s *story) ou(name, parent string) (connectors.ID, error) {
	dn, err := connectors.JoinDN("OU", name, parent)
	if err != nil {
		return "", err
	}
	return s.dir.(connectors.Creator).Create(s.ctx, connectors.CreateRequest{DN: dn,
		Attributes: []connectors.Attribute{{Name: "objectClass", Values: []string{"organizationalUnit"}}}})
}

func (s *story) group(name, parent string) (connectors.ID, error) {
	dn, err := connectors.JoinDN("CN", name, parent)
	if err != nil {
		return "", err
	}
	return s.dir.(connectors.Creator).Create(s.ctx, connectors.CreateRequest{DN: dn, Attributes: []connectors.Attribute{
		{Name: "objectClass", Values: []string{"group"}},
		{Name: "sAMAccountName", Values: []string{"qs-" + s.suffix + "-" + strings.ToLower(name[:4])}},
	}})
}

// join creates a person's account, with a password, enabled.
func (s *story) join(p *person, unitDN string, n int) error {
	// The username generator (issue 4) will do this properly.
	p.sam = fmt.Sprintf("qs%s%d", s.suffix, n)
	return s.create(p, unitDN)
}

func (s *story) create(p *person, unitDN string) error {
	dn, err := connectors.JoinDN("CN", p.given+" "+p.surname, unitDN)
	if err != nil {
		return err
	}
	id, err := s.dir.(connectors.Creator).Create(s.ctx, connectors.CreateRequest{
		DN: dn,
		Attributes: []connectors.Attribute{
			{Name: "objectClass", Values: []string{"user"}},
			{Name: "sAMAccountName", Values: []string{p.sam}},
			{Name: "userPrincipalName", Values: []string{p.sam + "@kommune.example"}},
			{Name: "givenName", Values: []string{p.given}},
			{Name: "sn", Values: []string{p.surname}},
			{Name: "displayName", Values: []string{p.given + " " + p.surname}},
			{Name: "department", Values: []string{p.unit}},
		},
		Password: connectors.Secret("Velkommen-" + randomSuffix() + "A1"),
		Enabled:  true,
	})
	p.id = id
	return err
}

// changes drains the change feed after token, below base.
func (s *story) changes(token connectors.Token, base string) ([]string, error) {
	var out []string
	for {
		page, err := s.dir.(connectors.ChangeReader).Changes(s.ctx, connectors.ChangesRequest{Token: token, BaseDN: base})
		if err != nil {
			return nil, err
		}
		for _, c := range page.Changes {
			what := "changed"
			if c.Deleted {
				what = "deleted"
			}
			out = append(out, what+" "+c.DN)
		}
		token = page.Token
		if !page.More {
			sort.Strings(out)
			return out, nil
		}
	}
}

// removeTree deletes the story's OU and all in it, leaves first.
func (s *story) removeTree(id connectors.ID) {
	var children []connectors.ID
	s.dir.Search(s.ctx, connectors.SearchRequest{BaseDN: s.dn(id), Scope: connectors.ScopeOneLevel},
		func(e *connectors.Entry) error { children = append(children, e.ID); return nil })
	for _, c := range children {
		s.removeTree(c)
	}
	if err := s.dir.(connectors.Deleter).Delete(s.ctx, id); err != nil {
		fmt.Fprintf(s.w, "cleanup: %v\n", err)
	}
}
