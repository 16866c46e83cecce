package web

import (
	"context"
	"net/http"

	"github.com/orgsync/orgsync/chapel"
	"github.com/orgsync/orgsync/internal/redact"
)

// chapelView is the chapel's plan as the page shows it.
type chapelView struct {
	Plan        *chapel.Plan
	Fingerprint string
	// Errors are the accounts that could not be planned, masked.
	Errors []string
}

// chapel shows every account in the chapel's scope: its state, the next
// action and when it is due.
func (p *Pages) chapel(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), planTimeout)
	defer cancel()
	cp, err := p.svc.ChapelPlan(ctx)
	if err != nil {
		p.serviceFailed(w, r, err)
		return
	}
	v := chapelView{Plan: cp, Fingerprint: cp.Fingerprint()}
	for _, e := range cp.Errors {
		v.Errors = append(v.Errors, redact.NationalIDs(e.Error()))
	}
	p.render(w, r, http.StatusOK, "chapel.html", "Kapellet", v)
}
