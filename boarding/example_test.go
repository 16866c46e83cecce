package boarding_test

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/orgsync/orgsync/boarding"
	"github.com/orgsync/orgsync/boarding/catalogue"
	"github.com/orgsync/orgsync/boarding/outbox"
	"github.com/orgsync/orgsync/connectors"
	om "github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// A manager orders onboarding for a coming teacher; HR signs the
// contract, payroll registers her and the directory's read-back her
// account, and the order activates; the dispatcher mails Aula's task to
// its administrators, who confirm it by the link in the mail.
func Example() {
	ctx := context.Background()
	now := time.Date(2027, 1, 14, 9, 0, 0, 0, time.UTC)
	m := om.New(om.Options{})
	var cs om.ChangeSet
	always := timeline.Since(timeline.MustDate(2020, 1, 1))
	school := cs.Add("300", always, om.UnitAttrs{Name: "Skolen ved Søen"})
	boss := cs.Add("soeren", always, om.PersonAttrs{GivenNames: "Søren", Surname: "Øster"})
	eng := cs.Add("2", always, om.EngagementAttrs{Person: boss, Unit: school, JobFunction: "Skoleleder", Type: "Månedsløn", Fraction: 1})
	cs.Add("", always, om.ManagerAttrs{Unit: school, Person: boss, Engagement: eng, Type: "Leder"})
	cs.Add("", always, om.AddressAttrs{Type: "EMAIL", Value: "soeren@sjolund.dk", Person: boss})
	if _, err := m.Apply(ctx, &cs, om.Registration{Time: now, Actor: "sd"}); err != nil {
		panic(err)
	}

	cat, err := catalogue.Parse("catalogue.yaml", []byte(`
systems:
  - {id: aula, name: Aula, kind: manual, administrators: [aula-admin@sjolund.dk], resources: [{key: laerer, name: Lærer}]}
job_roles:
  - {id: laerer, name: Lærer, items: [{system: aula, resource: laerer}]}
`))
	if err != nil {
		panic(err)
	}
	e := &boarding.Engine{Model: m, Catalogue: cat, Store: boarding.NewMemStore(), Rights: &boarding.Rights{HR: []string{"hr@sjolund.dk"}},
		Now: func() time.Time { return now }}
	signer, _ := boarding.NewSigner([]byte("a secret of at least thirty-two bytes, from a file"))
	mail := outbox.NewMemStore()
	d := &boarding.Dispatcher{Engine: e, Outbox: mail, From: connectors.Address{Addr: "orgsync@sjolund.dk"},
		BaseURL: "https://orgsync.sjolund.dk", Signer: signer}

	first := timeline.MustDate(2027, 3, 1)
	o, err := e.Place(ctx, "soeren@sjolund.dk", boarding.Request{Key: "form-1", Unit: school, Roles: []string{"laerer"}, Start: first,
		Pending: &boarding.PendingHire{GivenNames: "Åse", Surname: "Ørsted", EmploymentNumber: "42"}})
	if err != nil {
		panic(err)
	}
	fmt.Println("placed:", o.State)
	o, _ = e.ContractSigned(ctx, "hr@sjolund.dk", o.ID, "kontrakt 2027-117")

	var hire om.ChangeSet
	aase := hire.Add("aase", timeline.Since(timeline.MustDate(1990, 5, 1)), om.PersonAttrs{GivenNames: "Åse", Surname: "Ørsted"})
	hire.Add("42", timeline.Since(first), om.EngagementAttrs{Person: aase, Unit: school, JobFunction: "Lærer", Type: "Månedsløn", Fraction: 1, EmploymentNumber: "42"})
	hire.Add("aaor", timeline.Since(first), om.AccountAttrs{System: "Active Directory", Username: "aaor", Person: aase}) // as read-back records it
	if _, err := m.Apply(ctx, &hire, om.Registration{Time: now, Actor: "sd"}); err != nil {
		panic(err)
	}
	// Engine.Run follows the model's events; here, the one that matters.
	if err := e.Handle(ctx, om.Event{Type: om.EventRegistered, Kind: om.KindEngagement, Owner: aase, OwnerKind: om.KindPerson}); err != nil {
		panic(err)
	}
	o, _ = e.Store.Get(ctx, o.ID)
	fmt.Println("after payroll and the directory:", o.State)

	if _, err := d.Dispatch(ctx); err != nil {
		panic(err)
	}
	queued, _ := mail.List(ctx, 0, 10)
	var token string
	for _, q := range queued {
		fmt.Println("mail to", q.Message.To[0].Addr+":", q.Message.Subject)
		if _, after, ok := strings.Cut(q.Message.Text, "Done: https://orgsync.sjolund.dk/boarding/confirm?token="); ok {
			token = strings.Fields(after)[0]
		}
	}
	o, err = e.ConfirmLink(ctx, signer, "aula-admin@sjolund.dk", token, "")
	if err != nil {
		panic(err)
	}
	fmt.Println("confirmed:", o.State)
	// Output:
	// placed: parked
	// after payroll and the directory: active
	// mail to soeren@sjolund.dk: orgsync: velkommen til Åse Ørsted
	// mail to aula-admin@sjolund.dk: orgsync: grant Aula: Åse Ørsted
	// confirmed: fulfilled
}
