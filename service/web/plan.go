package web

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"time"

	"github.com/orgsync/orgsync/adsync"
	"github.com/orgsync/orgsync/chapel"
	"github.com/orgsync/orgsync/internal/redact"
	"github.com/orgsync/orgsync/service"
)

// planTimeout bounds a plan made for a page.
const planTimeout = 2 * time.Minute

// planView is a RunPlan as the pages show it: operations grouped by
// kind, in the order they are applied.
type planView struct {
	// Plan is the plan.
	Plan *adsync.RunPlan
	// Fingerprint identifies what it does.
	Fingerprint string
	// Groups are its operations by kind.
	Groups []opGroup
	// Errors are the persons it could not plan, masked.
	Errors []string
	// Chapel are the chapel's actions; ChapelTripped why the breaker
	// would stop them ("" if not).
	Chapel        []chapel.Item
	ChapelTripped string
	// HasChapel says a chapel is configured.
	HasChapel bool
}

// opGroup is the operations of one kind.
type opGroup struct {
	Kind string
	Ops  []adsync.Op
}

// newPlanView groups a plan for showing.
func newPlanView(p *adsync.RunPlan) planView {
	v := planView{Plan: p, Fingerprint: p.Fingerprint()}
	if a := p.Accounts; a != nil {
		byKind := map[adsync.OpKind][]adsync.Op{}
		for _, op := range a.Ops {
			byKind[op.Kind] = append(byKind[op.Kind], op)
		}
		kinds := make([]adsync.OpKind, 0, len(byKind))
		for k := range byKind {
			kinds = append(kinds, k)
		}
		slices.Sort(kinds)
		for _, k := range kinds {
			v.Groups = append(v.Groups, opGroup{Kind: k.String(), Ops: byKind[k]})
		}
		for _, e := range a.Errors {
			v.Errors = append(v.Errors, redact.NationalIDs(e.Error()))
		}
	}
	if p.Chapel != nil {
		v.HasChapel, v.Chapel, v.ChapelTripped = true, p.Chapel.Actions(), p.Chapel.Tripped
	}
	return v
}

// plan shows what a reconciliation would do now.
func (p *Pages) plan(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), planTimeout)
	defer cancel()
	rp, err := p.svc.Plan(ctx)
	if err != nil {
		p.serviceFailed(w, r, err)
		return
	}
	p.render(w, r, http.StatusOK, "plan.html", "Plan for AD", newPlanView(rp))
}

// serviceFailed shows an error of the service's parts, masked.
func (p *Pages) serviceFailed(w http.ResponseWriter, r *http.Request, err error) {
	msg := redact.NationalIDs(err.Error())
	switch {
	case errors.Is(err, service.ErrNotConfigured):
		p.fail(w, r, http.StatusNotFound, "Den del er ikke sat op i konfigurationen: "+msg)
	case errors.Is(err, context.DeadlineExceeded):
		p.fail(w, r, http.StatusGatewayTimeout, "Det tog for lang tid: "+msg)
	default:
		p.log.Warn("web: a page's question failed", "path", r.URL.Path, "error", msg)
		p.fail(w, r, http.StatusInternalServerError, "Det lykkedes ikke: "+msg)
	}
}
