package web

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/orgsync/orgsync/internal/redact"
	"github.com/orgsync/orgsync/orgmodel/modelfile"
	"github.com/orgsync/orgsync/orgmodel/timeline"
	"github.com/orgsync/orgsync/service"
)

// maxProposal bounds a proposal's file or text.
const maxProposal = 8 << 20

// whatifView is the form, and after a POST what the proposal would do.
type whatifView struct {
	Proposal, Day string
	// Errors are the fields' problems, by field (proposal, day).
	Errors map[string]string
	// Result is what it would do; nil before a run.
	Result *service.WhatIfResult
	// Changes are the result's changes, masked.
	Changes []string
	// Plan is the result's AD plan.
	Plan *planView
	// Orders are the boarding orders it would give.
	Orders []orderRow
}

// whatifForm shows the empty form.
func (p *Pages) whatifForm(w http.ResponseWriter, r *http.Request) {
	p.render(w, r, http.StatusOK, "whatif.html", "Hvad nu hvis", whatifView{Day: p.svc.Zone().Date(p.svc.Now()).String()})
}

// whatifRun reads the proposal (a file, else the text) and shows what it
// would do; nothing is written anywhere.
func (p *Pages) whatifRun(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxProposal+64<<10)
	v := whatifView{Proposal: r.PostFormValue("proposal"), Day: strings.TrimSpace(r.PostFormValue("day")), Errors: map[string]string{}}
	data := []byte(v.Proposal)
	if f, _, err := r.FormFile("file"); err == nil {
		b, err := io.ReadAll(io.LimitReader(f, maxProposal))
		f.Close()
		if err != nil {
			v.Errors["proposal"] = "Filen kunne ikke læses."
		} else if len(bytes.TrimSpace(b)) > 0 {
			data, v.Proposal = b, string(b)
		}
	}
	req := service.WhatIfRequest{}
	if v.Day != "" {
		d, err := timeline.ParseDate(v.Day)
		if err != nil {
			v.Errors["day"] = "En dato som 2026-03-01."
		}
		req.Day = d
	}
	if len(bytes.TrimSpace(data)) == 0 {
		v.Errors["proposal"] = "Indsæt et forslag i modelfil-formatet (orgsync-model/1), eller vælg en fil."
	} else if v.Errors["proposal"] == "" {
		snaps, err := modelfile.Read(bytes.NewReader(data))
		if err != nil {
			v.Errors["proposal"] = redact.NationalIDs(err.Error())
		}
		req.Snapshots = snaps
	}
	if len(v.Errors) > 0 {
		p.render(w, r, http.StatusBadRequest, "whatif.html", "Hvad nu hvis", v)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), planTimeout)
	defer cancel()
	res, err := p.svc.WhatIf(ctx, req)
	if errors.Is(err, service.ErrBadProposal) {
		v.Errors["proposal"] = redact.NationalIDs(err.Error())
		p.render(w, r, http.StatusBadRequest, "whatif.html", "Hvad nu hvis", v)
		return
	}
	if err != nil {
		p.serviceFailed(w, r, err)
		return
	}
	v.Result = res
	for _, c := range res.Changes {
		v.Changes = append(v.Changes, redact.NationalIDs(c))
	}
	if res.Plan != nil {
		pv := newPlanView(res.Plan)
		v.Plan = &pv
	}
	for _, o := range res.Orders {
		v.Orders = append(v.Orders, p.orderRow(o))
	}
	p.render(w, r, http.StatusOK, "whatif.html", "Hvad nu hvis", v)
}
