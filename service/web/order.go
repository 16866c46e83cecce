package web

import (
	"cmp"
	"crypto/rand"
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/orgsync/orgsync/boarding"
	"github.com/orgsync/orgsync/boarding/catalogue"
	"github.com/orgsync/orgsync/internal/redact"
	"github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/timeline"
	"github.com/orgsync/orgsync/service"
)

// maxForm bounds a form's body.
const maxForm = 64 << 10

// orderForm is the manager's order form, as typed.
type orderForm struct {
	// Key is the form's idempotency key: the form sent twice is one
	// order.
	Key string
	// Role is the job role; Unit the unit (an id); Start the first day.
	Role, Unit, Start string
	// Who is "new" (a coming employee, named by GivenNames, Surname and
	// perhaps EmploymentNumber) or "existing" (the person with the
	// engagement Employment).
	Who                                   string
	GivenNames, Surname, EmploymentNumber string
	Employment                            string
	// Reason is the orderer's reason.
	Reason string
	// Errors are the problems, by field (role, unit, start, person,
	// reason, form).
	Errors map[string]string
	// Roles and Units are the choices: the catalogue's active roles and
	// the units the caller may order for.
	Roles []catalogue.JobRole
	Units []unitChoice
}

// unitChoice is a unit in the form's list.
type unitChoice struct {
	ID   uuid.UUID
	Path string
}

// orderFormShow shows an empty form with a fresh key.
func (p *Pages) orderForm(w http.ResponseWriter, r *http.Request) {
	f := orderForm{Key: rand.Text(), Who: "new", Start: p.today().AddDays(14).String()}
	p.showOrderForm(w, r, http.StatusOK, f)
}

func (p *Pages) showOrderForm(w http.ResponseWriter, r *http.Request, status int, f orderForm) {
	c := service.CallerFrom(r.Context())
	e := p.svc.Boarding()
	for _, jr := range e.Catalogue.JobRoles {
		if jr.Lifecycle != catalogue.Draft && jr.Lifecycle != catalogue.Deprecated {
			f.Roles = append(f.Roles, jr)
		}
	}
	f.Units = p.orderableUnits(c.Username)
	if len(f.Units) == 0 && f.Errors["unit"] == "" {
		if f.Errors == nil {
			f.Errors = map[string]string{}
		}
		f.Errors["unit"] = "Du kan ikke bestille for nogen enhed: du er hverken leder, stedfortræder for en leder eller HR."
	}
	p.render(w, r, status, "order.html", "Bestil til en medarbejder", f)
}

// orderableUnits are the units the engine's rights let by order for
// today, by their path.
func (p *Pages) orderableUnits(by string) []unitChoice {
	e := p.svc.Boarding()
	v := e.Model.Latest()
	today := p.today()
	g := v.At(today)
	var out []unitChoice
	for o := range v.All(orgmodel.KindUnit) {
		u, ok := g.Unit(o.ID)
		if !ok {
			continue
		}
		if _, err := e.Rights.CanOrder(v, today, by, o.ID); err != nil {
			continue
		}
		var names []string
		for _, a := range slices.Backward(g.Ancestors(o.ID)) {
			names = append(names, a.Name)
		}
		out = append(out, unitChoice{ID: o.ID, Path: strings.Join(append(names, u.Name), " / ")})
	}
	slices.SortFunc(out, func(a, b unitChoice) int { return cmp.Compare(a.Path, b.Path) })
	return out
}

// orderPlace places the order through the engine, which decides whether
// the caller may; a refusal is shown next to its field and stores
// nothing.
func (p *Pages) orderPlace(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	c := service.CallerFrom(r.Context())
	f := orderForm{Key: r.PostFormValue("key"), Role: r.PostFormValue("role"), Unit: r.PostFormValue("unit"), Start: r.PostFormValue("start"),
		Who: r.PostFormValue("who"), GivenNames: strings.TrimSpace(r.PostFormValue("given_names")), Surname: strings.TrimSpace(r.PostFormValue("surname")),
		EmploymentNumber: strings.TrimSpace(r.PostFormValue("employment_number")), Employment: strings.TrimSpace(r.PostFormValue("employment")),
		Reason: strings.TrimSpace(r.PostFormValue("reason")), Errors: map[string]string{}}
	req, ok := p.orderRequest(&f)
	if !ok {
		p.showOrderForm(w, r, http.StatusBadRequest, f)
		return
	}
	o, err := p.svc.Boarding().Place(r.Context(), c.Username, req)
	var pe *boarding.PermissionError
	var re *boarding.RequestError
	switch {
	case errors.As(err, &pe):
		f.Errors["unit"] = redact.NationalIDs(pe.Error())
	case errors.As(err, &re):
		f.Errors[formField(re.Field)] = redact.NationalIDs(re.Problem)
	case err != nil:
		p.serviceFailed(w, r, err)
		return
	default:
		http.Redirect(w, r, "/boarding/orders/"+o.ID.String(), http.StatusSeeOther)
		return
	}
	status := http.StatusBadRequest
	if pe != nil {
		status = http.StatusForbidden
	}
	p.showOrderForm(w, r, status, f)
}

// orderRequest reads the form into a request, noting what cannot be
// read. It decides nothing the engine decides.
func (p *Pages) orderRequest(f *orderForm) (boarding.Request, bool) {
	req := boarding.Request{Key: f.Key, Reason: f.Reason}
	if f.Role != "" {
		req.Roles = []string{f.Role}
	}
	if id, err := uuid.Parse(f.Unit); err == nil {
		req.Unit = id
	} else {
		f.Errors["unit"] = "Vælg en enhed."
	}
	if d, err := timeline.ParseDate(f.Start); err == nil {
		req.Start = d
	} else {
		f.Errors["start"] = "Første dag er en dato som 2026-03-01."
	}
	switch f.Who {
	case "existing":
		person, ok := p.engagementPerson(f.Employment, req.Start)
		if !ok {
			f.Errors["person"] = "Organisationsmodellen har intet engagement med ansættelsesnummeret " + redact.NationalIDs(f.Employment) + "."
		}
		req.Person = person
	default:
		f.Who = "new"
		req.Pending = &boarding.PendingHire{GivenNames: f.GivenNames, Surname: f.Surname, EmploymentNumber: f.EmploymentNumber}
	}
	return req, len(f.Errors) == 0
}

// engagementPerson finds the person of the engagement with the
// employment number, on the day or today.
func (p *Pages) engagementPerson(number string, day timeline.Date) (uuid.UUID, bool) {
	if number == "" {
		return uuid.Nil, false
	}
	v := p.svc.Model().Latest()
	for _, id := range v.Lookup(orgmodel.KindEngagement, number) {
		for _, d := range []timeline.Date{day, p.today()} {
			if en, ok := v.At(d).Engagement(id); ok {
				return en.Person, true
			}
		}
	}
	return uuid.Nil, false
}

// formField is the form's field for a request's ("roles[0]" → role).
func formField(field string) string {
	switch {
	case strings.HasPrefix(field, "roles"), strings.HasPrefix(field, "extra"):
		return "role"
	case field == "person", field == "pending":
		return "person"
	case field == "start", field == "reason":
		return field
	}
	return "form"
}
