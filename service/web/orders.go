package web

import (
	"cmp"
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/orgsync/orgsync/boarding"
	"github.com/orgsync/orgsync/internal/redact"
	"github.com/orgsync/orgsync/service"
)

// maxListed bounds the orders a list shows.
const maxListed = 500

// maySee says whether the caller may see an order, as the service
// decides it for the API and the pages alike.
func (p *Pages) maySee(c *service.Caller, o *boarding.Order) bool { return p.svc.MaySeeOrder(c, o) }

// orderList shows the orders the caller may see, newest first.
func (p *Pages) orderList(w http.ResponseWriter, r *http.Request) {
	c := service.CallerFrom(r.Context())
	all, err := p.svc.Boarding().Store.List(r.Context(), boarding.Query{})
	if err != nil {
		p.serviceFailed(w, r, err)
		return
	}
	var rows []orderRow
	for i := range slices.Backward(all) {
		if o := &all[i]; p.maySee(c, o) {
			rows = append(rows, p.orderRow(o))
			if len(rows) == maxListed {
				break
			}
		}
	}
	p.render(w, r, http.StatusOK, "orders.html", "Bestillinger", rows)
}

// orderPage is one order with its tasks, timeline and the buttons the
// caller can use.
type orderPage struct {
	Order *boarding.Order
	Row   orderRow
	Tasks []taskRow
	Audit []boarding.AuditEntry
	// CanSign: the caller may say the contract is signed, and it is not
	// yet; CanAttest: the order awaits an attest the caller may give.
	CanSign, CanAttest bool
	// Done and Refused are what the last action did, or why the engine
	// refused it.
	Done, Refused string
}

// taskRow is a task with its item named.
type taskRow struct {
	Task         boarding.Task
	System, What string
}

// loadOrder reads the order of the path, answering 404 for one that does
// not exist or that the caller may not see.
func (p *Pages) loadOrder(w http.ResponseWriter, r *http.Request) (*boarding.Order, bool) {
	id, err := uuid.Parse(r.PathValue("id"))
	if err != nil {
		p.notFound(w, r)
		return nil, false
	}
	o, err := p.svc.Boarding().Store.Get(r.Context(), id)
	switch {
	case errors.Is(err, boarding.ErrNotFound) || (err == nil && !p.maySee(service.CallerFrom(r.Context()), o)):
		p.notFound(w, r) // an order the caller may not see is not there for them
		return nil, false
	case err != nil:
		p.serviceFailed(w, r, err)
		return nil, false
	}
	return o, true
}

// orderView shows one order.
func (p *Pages) orderView(w http.ResponseWriter, r *http.Request) {
	o, ok := p.loadOrder(w, r)
	if !ok {
		return
	}
	p.showOrder(w, r, http.StatusOK, o, orderPage{})
}

func (p *Pages) showOrder(w http.ResponseWriter, r *http.Request, status int, o *boarding.Order, v orderPage) {
	c := service.CallerFrom(r.Context())
	e := p.svc.Boarding()
	v.Order, v.Row = o, p.orderRow(o)
	for _, t := range o.Tasks {
		sys, what := p.itemName(t.Item)
		v.Tasks = append(v.Tasks, taskRow{Task: t, System: sys, What: what})
	}
	audit, err := e.Store.Audit(r.Context(), o.ID)
	if err != nil {
		p.serviceFailed(w, r, err)
		return
	}
	v.Audit = audit
	if !o.State.Terminal() && e.Rights.CanSign(c.Username) == nil {
		for _, pr := range o.Prerequisites {
			if pr.Kind == boarding.ContractSigned && !pr.Held() {
				v.CanSign = true
			}
		}
	}
	v.CanAttest = o.State == boarding.AwaitingAttest && e.Rights.CanAttest(c.Username, o) == nil
	p.render(w, r, status, "order_view.html", "Bestilling "+o.ID.String()[:8], v)
}

// orderAct does what a button on the order asks: contract signed,
// attest or reject. The engine checks the rights; its refusal is shown.
func (p *Pages) orderAct(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	o, ok := p.loadOrder(w, r)
	if !ok {
		return
	}
	c := service.CallerFrom(r.Context())
	e := p.svc.Boarding()
	reason := strings.TrimSpace(r.PostFormValue("reason"))
	var done string
	var err error
	var after *boarding.Order
	switch r.PostFormValue("action") {
	case "contract-signed":
		after, err = e.ContractSigned(r.Context(), c.Username, o.ID, cmp.Or(reason, "signed, as HR said on the order's page"))
		done = "Kontrakten er registreret som underskrevet."
	case "attest":
		after, err = e.Attest(r.Context(), c.Username, o.ID)
		done = "Bestillingen er attesteret."
	case "reject":
		if reason == "" {
			err = boarding.ErrNeedsReason
			break
		}
		after, err = e.Reject(r.Context(), c.Username, o.ID, reason)
		done = "Bestillingen er afvist."
	default:
		p.fail(w, r, http.StatusBadRequest, "Ukendt handling.")
		return
	}
	if err != nil {
		status := http.StatusConflict
		var pe *boarding.PermissionError
		if errors.As(err, &pe) {
			status = http.StatusForbidden
		}
		p.showOrder(w, r, status, o, orderPage{Refused: refusal(err)})
		return
	}
	p.showOrder(w, r, http.StatusOK, after, orderPage{Done: done})
}

// refusal says in words why the engine refused, masked.
func refusal(err error) string {
	var pe *boarding.PermissionError
	var te *boarding.TransitionError
	switch {
	case errors.As(err, &pe):
		return "Ikke tilladt: " + redact.NationalIDs(pe.Error())
	case errors.Is(err, boarding.ErrNeedsReason):
		return "Skriv en begrundelse."
	case errors.As(err, &te):
		return "Det kan ikke lade sig gøre nu (bestillingen eller opgaven er allerede videre): " + redact.NationalIDs(te.Error())
	case errors.Is(err, boarding.ErrLinkExpired):
		return "Linket er udløbet. Bed om en ny mail."
	case errors.Is(err, boarding.ErrLinkForged):
		return "Linket er ikke gyldigt (ændret, afkortet eller ikke fra denne orgsync)."
	}
	return "Det lykkedes ikke: " + redact.NationalIDs(err.Error())
}
