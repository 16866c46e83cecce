package web

import (
	"net/http"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/orgsync/orgsync/boarding"
	"github.com/orgsync/orgsync/service"
)

// openTask is a task waiting for the caller, with its order.
type openTask struct {
	Order        orderRow
	OrderID      uuid.UUID
	Task         boarding.Task
	System, What string
	// CanAnswer says the engine's rights let the caller confirm or
	// refuse it (the engine still refuses their own order).
	CanAnswer bool
}

// tasksPage is the task list, and what the last answer did.
type tasksPage struct {
	Tasks         []openTask
	Done, Refused string
}

// mine says whether a task is for the caller: a system they administer
// (by their roles or the catalogue), or equipment at the equipment desk.
func (p *Pages) mine(c *service.Caller, t *boarding.Task) bool {
	e := p.svc.Boarding()
	if t.Item.IsEquipment() {
		return foldIn(e.Rights.Equipment, c.Username)
	}
	if c.AdministersSystem(t.Item.System) {
		return true
	}
	s, _ := e.Catalogue.System(t.Item.System)
	return foldIn(s.Administrators, c.Username)
}

func foldIn(list []string, s string) bool {
	return slices.ContainsFunc(list, func(x string) bool { return strings.EqualFold(strings.TrimSpace(x), strings.TrimSpace(s)) })
}

// taskList shows the open tasks of active orders that are the caller's.
func (p *Pages) taskList(w http.ResponseWriter, r *http.Request) {
	p.showTasks(w, r, http.StatusOK, tasksPage{})
}

func (p *Pages) showTasks(w http.ResponseWriter, r *http.Request, status int, v tasksPage) {
	c := service.CallerFrom(r.Context())
	e := p.svc.Boarding()
	orders, err := e.Store.List(r.Context(), boarding.Query{States: []boarding.OrderState{boarding.Active}})
	if err != nil {
		p.serviceFailed(w, r, err)
		return
	}
	for i := range orders {
		o := &orders[i]
		for _, t := range o.Tasks {
			if t.State != boarding.Open || t.Integrated || !p.mine(c, &t) {
				continue
			}
			sys, what := p.itemName(t.Item)
			s, _ := e.Catalogue.System(t.Item.System)
			can := e.Rights.CanConfirm(c.Username, nil, &t, s.Administrators) == nil
			v.Tasks = append(v.Tasks, openTask{Order: p.orderRow(o), OrderID: o.ID, Task: t, System: sys, What: what, CanAnswer: can})
		}
	}
	p.render(w, r, status, "tasks.html", "Opgaver", v)
}

// taskAnswer confirms or refuses a task through the engine.
func (p *Pages) taskAnswer(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	c := service.CallerFrom(r.Context())
	order, err1 := uuid.Parse(r.PostFormValue("order"))
	task, err2 := uuid.Parse(r.PostFormValue("task"))
	answer, ok := parseAnswer(r.PostFormValue("answer"))
	if err1 != nil || err2 != nil || !ok {
		p.fail(w, r, http.StatusBadRequest, "Formularen mangler bestilling, opgave eller svar.")
		return
	}
	note := strings.TrimSpace(r.PostFormValue("note"))
	if _, err := p.svc.Boarding().Confirm(r.Context(), c.Username, order, task, answer, note); err != nil {
		p.showTasks(w, r, refusalStatus(err), tasksPage{Refused: refusal(err)})
		return
	}
	p.showTasks(w, r, http.StatusOK, tasksPage{Done: answered(answer)})
}

func parseAnswer(s string) (boarding.LinkAnswer, bool) {
	switch s {
	case "done":
		return boarding.LinkDone, true
	case "refuse":
		return boarding.LinkRefuse, true
	}
	return 0, false
}

func answered(a boarding.LinkAnswer) string {
	if a == boarding.LinkRefuse {
		return "Opgaven er afvist."
	}
	return "Opgaven er bekræftet udført."
}
