package main

import (
	"context"
	_ "embed"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/orgsync/orgsync/chapel"
	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/connectors/inmem"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// The demo's policy and people are the sample files, so that what the
// README says of them and what --inmem-demo does cannot drift apart.
var (
	//go:embed testdata/chapel-policy.yaml
	demoPolicy []byte
	//go:embed testdata/people.csv
	demoPeople []byte
)

// The demo organisation's OUs.
const (
	demoRoot      = "DC=example,DC=org"
	demoBase      = "OU=Kommune," + demoRoot
	demoSkolen    = "OU=Skolen," + demoBase
	demoJobcenter = "OU=Jobcenter," + demoBase
	demoKapellet  = "OU=Kapellet," + demoBase
	demoDirektion = "OU=Direktion," + demoBase
)

// demoDay is the demo's today: its "now" is 10:00 on that day unless --now
// says otherwise, so that the demo shows the same thing whenever it runs.
var demoDay = timeline.MustDate(2026, time.December, 1)

// demoAccount is one account of the demo organisation.
type demoAccount struct {
	name, ou string
	enabled  bool
	stamp    string // the stamp attribute's value
}

// demoAccounts are the demo's accounts; testdata/people.csv says who has
// left.
func demoAccounts() []demoAccount {
	stamp := func(day string, from string) string {
		v, err := chapel.Stamp{Disabled: timeline.MustParseDate(day), Reason: chapel.ReasonLeft, From: from}.Format()
		if err != nil {
			panic(err)
		}
		return v
	}
	return []demoAccount{
		{name: "jeha", ou: demoSkolen, enabled: true},                               // employed
		{name: "anbo", ou: demoSkolen, enabled: true},                               // left: her first day without an engagement is today
		{name: "soes", ou: demoJobcenter, enabled: true},                            // employed, leaving on 2027-01-01
		{name: "pewi", ou: demoSkolen},                                              // left, and disabled by hand
		{name: "vikar01", ou: demoSkolen, enabled: true},                            // not in the people file: not linked
		{name: "svc-print", ou: demoJobcenter, enabled: true},                       // a service account
		{name: "dire", ou: demoDirektion, enabled: true},                            // left, in a protected OU
		{name: "kila", ou: demoKapellet, stamp: stamp("2026-08-14", demoSkolen)},    // in the chapel past retention
		{name: "mona", ou: demoKapellet, stamp: stamp("2026-11-02", demoJobcenter)}, // in the chapel, six months for the Jobcenter
		{name: "bohe", ou: demoKapellet, stamp: stamp("2026-10-01", demoSkolen)},    // in the chapel, rehired in the Jobcenter
		// A stamp that does not parse (month 13): never deleted.
		{name: "olsn", ou: demoKapellet, stamp: chapel.StampPrefix + `{"v":1,"disabled":"2026-13-01","reason":"left","from":"` + demoSkolen + `"}`},
	}
}

// newDemo builds the demo organisation in a new in-memory twin.
func newDemo(ctx context.Context) (*stableIDs, error) {
	twin, err := inmem.New(inmem.Options{BaseDN: demoRoot})
	if err != nil {
		return nil, err
	}
	for _, ou := range []string{demoBase, demoSkolen, demoJobcenter, demoKapellet, demoDirektion} {
		if _, err := twin.Create(ctx, connectors.CreateRequest{DN: ou, Attributes: []connectors.Attribute{{Name: "objectClass", Values: []string{"organizationalUnit"}}}}); err != nil {
			return nil, err
		}
	}
	for _, a := range demoAccounts() {
		dn, err := connectors.JoinDN("CN", a.name, a.ou)
		if err != nil {
			return nil, err
		}
		req := connectors.CreateRequest{DN: dn, Enabled: a.enabled, Attributes: []connectors.Attribute{
			{Name: "objectClass", Values: []string{"user"}},
			{Name: "sAMAccountName", Values: []string{a.name}},
		}}
		if a.enabled {
			req.Password = "Demo-Kodeord-2026!"
		}
		if a.stamp != "" {
			req.Attributes = append(req.Attributes, connectors.Attribute{Name: "adminDescription", Values: []string{a.stamp}})
		}
		if _, err := twin.Create(ctx, req); err != nil {
			return nil, err
		}
	}
	return newStableIDs(ctx, twin)
}

// stableIDs is a twin whose ids are numbered in the order of the objects'
// DNs when it was made. The twin gives random ids, and a plan's
// fingerprint is made of ids: with these, the demo's plans have the same
// fingerprint from one run to the next, so a plan read with one command
// can be approved with the next.
type stableIDs struct {
	twin *inmem.Directory
	in   map[connectors.ID]connectors.ID // stable → the twin's
	out  map[connectors.ID]connectors.ID // the twin's → stable
}

func newStableIDs(ctx context.Context, twin *inmem.Directory) (*stableIDs, error) {
	var all []*connectors.Entry
	err := twin.Search(ctx, connectors.SearchRequest{BaseDN: twin.BaseDN(), Attributes: []string{"objectClass"}}, func(e *connectors.Entry) error {
		all = append(all, e)
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(all, func(a, b *connectors.Entry) int {
		na, _ := connectors.NormalizeDN(a.DN)
		nb, _ := connectors.NormalizeDN(b.DN)
		return strings.Compare(na, nb)
	})
	s := &stableIDs{twin: twin, in: map[connectors.ID]connectors.ID{}, out: map[connectors.ID]connectors.ID{}}
	for i, e := range all {
		id := connectors.ID(fmt.Sprintf("00000000-0000-4000-8000-%012d", i+1))
		s.in[id], s.out[e.ID] = e.ID, id
	}
	return s, nil
}

// Compile-time checks that the demo directory has what the chapel needs.
var (
	_ connectors.Modifier     = (*stableIDs)(nil)
	_ connectors.Mover        = (*stableIDs)(nil)
	_ connectors.Deleter      = (*stableIDs)(nil)
	_ connectors.Enabler      = (*stableIDs)(nil)
	_ connectors.GroupManager = (*stableIDs)(nil)
)

func (s *stableIDs) toTwin(id connectors.ID) connectors.ID {
	if t, ok := s.in[id]; ok {
		return t
	}
	return id
}

func (s *stableIDs) fromTwin(e *connectors.Entry) *connectors.Entry {
	if e != nil {
		if id, ok := s.out[e.ID]; ok {
			e.ID = id
		}
	}
	return e
}

func (s *stableIDs) Ping(ctx context.Context) error { return s.twin.Ping(ctx) }

func (s *stableIDs) Close() error { return s.twin.Close() }

func (s *stableIDs) Search(ctx context.Context, req connectors.SearchRequest, fn func(*connectors.Entry) error) error {
	return s.twin.Search(ctx, req, func(e *connectors.Entry) error { return fn(s.fromTwin(e)) })
}

func (s *stableIDs) Read(ctx context.Context, id connectors.ID, attrs []string) (*connectors.Entry, error) {
	e, err := s.twin.Read(ctx, s.toTwin(id), attrs)
	return s.fromTwin(e), err
}

func (s *stableIDs) ReadDN(ctx context.Context, dn string, attrs []string) (*connectors.Entry, error) {
	e, err := s.twin.ReadDN(ctx, dn, attrs)
	return s.fromTwin(e), err
}

func (s *stableIDs) Modify(ctx context.Context, id connectors.ID, mods []connectors.Modification) error {
	return s.twin.Modify(ctx, s.toTwin(id), mods)
}

func (s *stableIDs) Move(ctx context.Context, id connectors.ID, req connectors.MoveRequest) (string, error) {
	return s.twin.Move(ctx, s.toTwin(id), req)
}

func (s *stableIDs) Delete(ctx context.Context, id connectors.ID) error {
	return s.twin.Delete(ctx, s.toTwin(id))
}

func (s *stableIDs) SetEnabled(ctx context.Context, id connectors.ID, enabled bool) error {
	return s.twin.SetEnabled(ctx, s.toTwin(id), enabled)
}

func (s *stableIDs) AddMember(ctx context.Context, group, member connectors.ID) error {
	return s.twin.AddMember(ctx, s.toTwin(group), s.toTwin(member))
}

func (s *stableIDs) RemoveMember(ctx context.Context, group, member connectors.ID) error {
	return s.twin.RemoveMember(ctx, s.toTwin(group), s.toTwin(member))
}
