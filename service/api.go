package service

import (
	"context"
	"encoding/json"
	"errors"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/orgsync/orgsync/adsync"
	"github.com/orgsync/orgsync/boarding/report"
	"github.com/orgsync/orgsync/chapel"
	"github.com/orgsync/orgsync/internal/redact"
	"github.com/orgsync/orgsync/orgmodel/modelfile"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// api mounts the JSON API. Every route needs a caller (see WithCaller);
// a route for a role answers 403 to anyone without it.
func (s *Service) api(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v1/status", need(anyone, s.apiStatus))
	mux.HandleFunc("GET /api/v1/plan", need(admins, s.apiPlan))
	mux.HandleFunc("GET /api/v1/chapel", need(admins, s.apiChapel))
	mux.HandleFunc("GET /api/v1/rules/conflicts", need(adminHR, s.apiConflicts))
	mux.HandleFunc("GET /api/v1/reports/{report}", need(adminHR, s.apiReport))
	mux.HandleFunc("POST /api/v1/whatif", need(admins, s.apiWhatIf))
	mux.HandleFunc("POST /api/v1/sources/{name}/import", need(admins, s.apiImportNow))
	s.apiBoarding(mux)
}

// apiImportNow starts a source's import now; 202, as it runs in the
// service (GET /api/v1/status shows how it went).
func (s *Service) apiImportNow(w http.ResponseWriter, r *http.Request) {
	if err := s.ImportNow(r.PathValue("name")); err != nil {
		fail(w, http.StatusNotFound, "not_found", err.Error())
		return
	}
	writeJSON(w, http.StatusAccepted, map[string]string{"status": "started"})
}

// StatusReport is what GET /api/v1/status answers.
type StatusReport struct {
	// Leading says this host runs the jobs.
	Leading bool `json:"leading"`
	// Registration is the org model's latest registration.
	Registration uint64 `json:"registration"`
	// Jobs are the jobs' status.
	Jobs []JobStatus `json:"jobs"`
}

func (s *Service) apiStatus(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	leading := s.leading
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, StatusReport{Leading: leading, Registration: s.model.Latest().Registration().Seq, Jobs: s.Status()})
}

// planTimeout bounds a plan the API makes on request.
const planTimeout = 2 * time.Minute

// apiPlan answers what a reconciliation would do now: the accounts'
// operations, the chapel's actions and what is missing, with the
// fingerprint an operator applies it by. National ids are masked.
func (s *Service) apiPlan(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), planTimeout)
	defer cancel()
	p, err := s.Plan(ctx)
	if err != nil {
		s.apiFail(w, err)
		return
	}
	fp := p.Fingerprint()
	var actions []chapel.Item
	if p.Chapel != nil {
		actions = p.Chapel.Actions()
	}
	writeMasked(w, planView{RunPlan: p, Fingerprint: fp, Chapel: chapelView(actions)}, fp)
}

// planView is a RunPlan as the API shows it.
type planView struct {
	*adsync.RunPlan
	// Fingerprint identifies what the plan does.
	Fingerprint string `json:"fingerprint"`
	// Chapel is the chapel's actions (the accounts it leaves as they
	// are are left out); nil without a chapel.
	Chapel []chapelItem `json:"chapel,omitempty"`
}

// chapelItem is one account in the chapel's plan, as the API shows it.
type chapelItem struct {
	ID       string    `json:"id"`
	DN       string    `json:"dn"`
	Username string    `json:"username"`
	Enabled  bool      `json:"enabled"`
	State    string    `json:"state"`
	Action   string    `json:"action"`
	Reason   string    `json:"reason"`
	Due      time.Time `json:"due,omitzero"`
	Target   string    `json:"target,omitempty"`
}

func chapelView(items []chapel.Item) []chapelItem {
	out := make([]chapelItem, 0, len(items))
	for _, it := range items {
		a, d := it.Account, it.Decision
		out = append(out, chapelItem{ID: a.ID, DN: a.DN, Username: a.Username, Enabled: a.Enabled,
			State: d.State.String(), Action: d.Action.String(), Reason: d.Reason, Due: d.Due, Target: d.Target})
	}
	return out
}

// apiChapel answers what is in the chapel and what the chapel would do
// now.
func (s *Service) apiChapel(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), planTimeout)
	defer cancel()
	p, err := s.ChapelPlan(ctx)
	if err != nil {
		s.apiFail(w, err)
		return
	}
	writeMasked(w, struct {
		Fingerprint string       `json:"fingerprint"`
		Items       []chapelItem `json:"items"`
	}{p.Fingerprint(), chapelView(p.Items)}, p.Fingerprint())
}

// apiConflicts answers the conflicts the org rules leave for a person to
// decide, from today on.
func (s *Service) apiConflicts(w http.ResponseWriter, r *http.Request) {
	res, err := s.Conflicts(r.Context())
	if err != nil {
		s.apiFail(w, err)
		return
	}
	writeMasked(w, struct {
		Registration uint64 `json:"registration"`
		Conflicts    any    `json:"conflicts"`
	}{res.Seq, res.Conflicts})
}

// writeMasked writes v as JSON with every national id masked: a plan's
// attributes or a reason may quote one. The strings in keep (hex
// fingerprints, whose digits may run to ten) are written as they are.
func writeMasked(w http.ResponseWriter, v any, keep ...string) {
	writeMaskedStatus(w, http.StatusOK, v, keep...)
}

// writeMaskedStatus is writeMasked with a status code.
func writeMaskedStatus(w http.ResponseWriter, code int, v any, keep ...string) {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		fail(w, http.StatusInternalServerError, "internal", "the answer could not be written")
		return
	}
	text := redact.NationalIDs(string(b))
	for _, k := range keep {
		if m := redact.NationalIDs(k); m != k {
			text = strings.ReplaceAll(text, `"`+m+`"`, `"`+k+`"`)
		}
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	w.Write([]byte(text + "\n"))
}

// apiFail answers an error of the service's parts with the status a
// client can act on; the text has national ids masked.
func (s *Service) apiFail(w http.ResponseWriter, err error) {
	msg := redact.NationalIDs(oneLine(err.Error()))
	var qe *report.QueryError
	switch {
	case errors.Is(err, ErrNotConfigured):
		fail(w, http.StatusNotFound, "not_found", msg)
	case errors.As(err, &qe):
		fail(w, http.StatusBadRequest, "bad_request", msg)
	case errors.Is(err, context.DeadlineExceeded):
		fail(w, http.StatusGatewayTimeout, "unavailable", "it took too long: "+msg)
	case errors.Is(err, ErrConfig):
		fail(w, http.StatusConflict, "conflict", msg)
	default:
		s.log.Warn("an API request failed", "error", msg)
		fail(w, http.StatusInternalServerError, "internal", msg)
	}
}

// apiReport answers a report over a window of registration days,
// ?from=YYYY-MM-DD&to=YYYY-MM-DD (to not included; default the last
// seven days) and &format=csv|xlsx|json (default csv), as a download.
func (s *Service) apiReport(w http.ResponseWriter, r *http.Request) {
	kind, err := report.ParseReport(r.PathValue("report"))
	if err != nil {
		fail(w, http.StatusNotFound, "not_found", err.Error())
		return
	}
	q := r.URL.Query()
	today := s.zone.Date(s.opts.Now())
	from, to := today-7, today+1
	for _, p := range []struct {
		name string
		to   *timeline.Date
	}{{"from", &from}, {"to", &to}} {
		if v := q.Get(p.name); v != "" {
			d, err := timeline.ParseDate(v)
			if err != nil {
				fail(w, http.StatusBadRequest, "bad_request", p.name+": "+err.Error())
				return
			}
			*p.to = d
		}
	}
	format := report.CSV
	if v := q.Get("format"); v != "" {
		if format, err = report.ParseFormat(v); err != nil {
			fail(w, http.StatusBadRequest, "bad_request", "format: "+err.Error())
			return
		}
	}
	f, err := s.Report(r.Context(), kind, s.zone.Start(from), s.zone.Start(to), format, report.Filter{})
	if err != nil {
		s.apiFail(w, err)
		return
	}
	w.Header().Set("Content-Type", f.ContentType)
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": f.Name}))
	w.Header().Set("Cache-Control", "no-store")
	w.Write(f.Data)
}

// maxProposal bounds a what-if's body.
const maxProposal = 64 << 20

// apiWhatIf answers what a proposal would do: the body is a model file
// (orgmodel/modelfile's format) of the proposed snapshots; ?day= is the
// day planned for (default today). Nothing is written.
func (s *Service) apiWhatIf(w http.ResponseWriter, r *http.Request) {
	req := WhatIfRequest{}
	if v := r.URL.Query().Get("day"); v != "" {
		d, err := timeline.ParseDate(v)
		if err != nil {
			fail(w, http.StatusBadRequest, "bad_request", "day: "+err.Error())
			return
		}
		req.Day = d
	}
	snaps, err := modelfile.Read(http.MaxBytesReader(w, r.Body, maxProposal))
	if err != nil {
		fail(w, http.StatusBadRequest, "bad_request", "the proposal: "+redact.NationalIDs(err.Error()))
		return
	}
	req.Snapshots = snaps
	ctx, cancel := context.WithTimeout(r.Context(), planTimeout)
	defer cancel()
	res, err := s.WhatIf(ctx, req)
	if errors.Is(err, ErrBadProposal) {
		fail(w, http.StatusBadRequest, "bad_request", redact.NationalIDs(err.Error()))
		return
	}
	if err != nil {
		s.apiFail(w, err)
		return
	}
	fp := res.Plan.Fingerprint()
	writeMasked(w, struct {
		*WhatIfResult
		Fingerprint string `json:"fingerprint"`
	}{res, fp}, fp)
}
