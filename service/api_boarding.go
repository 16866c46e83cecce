package service

import (
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strconv"

	"github.com/google/uuid"

	"github.com/orgsync/orgsync/boarding"
	"github.com/orgsync/orgsync/boarding/catalogue"
	"github.com/orgsync/orgsync/internal/redact"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// apiBoarding mounts boarding's routes. Who may do what is the engine's
// (boarding.Rights): the API adds no right of its own, and shows who may
// see an order as MaySeeOrder says.
func (s *Service) apiBoarding(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v1/orders", need(anyone, s.boardingOn(s.apiOrders)))
	mux.HandleFunc("POST /api/v1/orders", need(anyone, s.boardingOn(s.apiPlace)))
	mux.HandleFunc("GET /api/v1/orders/{id}", need(anyone, s.boardingOn(s.apiOrder)))
	mux.HandleFunc("POST /api/v1/orders/{id}/{action}", need(anyone, s.boardingOn(s.apiOrderAction)))
	mux.HandleFunc("POST /api/v1/orders/{id}/tasks/{task}/{answer}", need(anyone, s.boardingOn(s.apiConfirm)))
}

// boardingOn answers 404 where the service has no boarding.
func (s *Service) boardingOn(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if s.boarding == nil {
			fail(w, http.StatusNotFound, "not_found", "the service has no boarding configured")
			return
		}
		h(w, r)
	}
}

// apiOrders lists the orders the caller may see, oldest first:
// ?open=true for those not over, ?limit=N (default 500).
func (s *Service) apiOrders(w http.ResponseWriter, r *http.Request) {
	c := CallerFrom(r.Context())
	q := boarding.Query{Open: r.URL.Query().Get("open") == "true"}
	limit := 500
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 10_000 {
			fail(w, http.StatusBadRequest, "bad_request", "limit: a number from 1 to 10000")
			return
		}
		limit = n
	}
	orders, err := s.boarding.Store.List(r.Context(), q)
	if err != nil {
		s.apiFail(w, err)
		return
	}
	out := []boarding.Order{}
	for i := range orders {
		if len(out) == limit {
			break
		}
		if s.MaySeeOrder(c, &orders[i]) {
			out = append(out, orders[i])
		}
	}
	writeMasked(w, struct {
		Orders []boarding.Order `json:"orders"`
	}{out})
}

// orderRequest is a boarding.Request as the API takes it.
type orderRequest struct {
	Key     string                `json:"key"`
	Kind    boarding.OrderKind    `json:"kind"`
	Person  uuid.UUID             `json:"person"`
	Pending *boarding.PendingHire `json:"pending"`
	Unit    uuid.UUID             `json:"unit"`
	Roles   []string              `json:"roles"`
	Extra   []catalogue.Item      `json:"extra"`
	Start   timeline.Date         `json:"start"`
	Reason  string                `json:"reason"`
	Drop    []string              `json:"drop"`
}

// maxOrderBody bounds an order's body.
const maxOrderBody = 1 << 20

// apiPlace places an order as the caller: 201 with the order, or the
// engine's refusal (403 for a permission, 400 naming the field); an
// order whose key was placed before answers 200 with that order.
func (s *Service) apiPlace(w http.ResponseWriter, r *http.Request) {
	var req orderRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxOrderBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		fail(w, http.StatusBadRequest, "bad_request", "the order: "+redact.NationalIDs(err.Error()))
		return
	}
	c := CallerFrom(r.Context())
	var before []boarding.Order
	if req.Key != "" {
		before, _ = s.boarding.Store.List(r.Context(), boarding.Query{Key: req.Key})
	}
	o, err := s.boarding.Place(r.Context(), c.Username, boarding.Request{Key: req.Key, Kind: req.Kind, Person: req.Person, Pending: req.Pending,
		Unit: req.Unit, Roles: req.Roles, Extra: req.Extra, Start: req.Start, Reason: req.Reason, Drop: req.Drop})
	var dup *boarding.DuplicateError
	if errors.As(err, &dup) {
		if o, gerr := s.boarding.Store.Get(r.Context(), dup.Existing); gerr == nil && s.MaySeeOrder(c, o) {
			writeMasked(w, o)
			return
		}
	}
	if err != nil {
		s.boardingFail(w, err)
		return
	}
	if len(before) > 0 && before[0].ID == o.ID {
		writeMasked(w, o) // placed before, with the same key
		return
	}
	s.log.Info("audit", "caller", c.Username, "did", "placed an order", "order", o.ID)
	writeMaskedStatus(w, http.StatusCreated, o)
}

// orderOf reads the route's order, answering 404 for one the caller may
// not see.
func (s *Service) orderOf(w http.ResponseWriter, r *http.Request) (*boarding.Order, bool) {
	id, err := uuid.Parse(r.PathValue("id"))
	if err != nil {
		fail(w, http.StatusNotFound, "not_found", "no such order")
		return nil, false
	}
	o, err := s.boarding.Store.Get(r.Context(), id)
	if err != nil || !s.MaySeeOrder(CallerFrom(r.Context()), o) {
		fail(w, http.StatusNotFound, "not_found", "no such order")
		return nil, false
	}
	return o, true
}

// apiOrder answers an order with its audit log.
func (s *Service) apiOrder(w http.ResponseWriter, r *http.Request) {
	o, ok := s.orderOf(w, r)
	if !ok {
		return
	}
	audit, err := s.boarding.Store.Audit(r.Context(), o.ID)
	if err != nil {
		s.apiFail(w, err)
		return
	}
	writeMasked(w, struct {
		*boarding.Order
		Audit []boarding.AuditEntry `json:"audit"`
	}{o, audit})
}

// orderAction is the body of an action on an order.
type orderAction struct {
	// Reason is a rejection's or cancellation's reason.
	Reason string `json:"reason"`
	// Evidence is what shows the contract was signed.
	Evidence string `json:"evidence"`
}

// apiOrderAction does attest, reject, cancel or contract-signed as the
// caller, as the engine allows.
func (s *Service) apiOrderAction(w http.ResponseWriter, r *http.Request) {
	o, ok := s.orderOf(w, r)
	if !ok {
		return
	}
	var body orderAction
	if r.ContentLength != 0 {
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxOrderBody)).Decode(&body); err != nil {
			fail(w, http.StatusBadRequest, "bad_request", "the body: "+err.Error())
			return
		}
	}
	by, ctx := CallerFrom(r.Context()).Username, r.Context()
	var (
		after *boarding.Order
		err   error
	)
	switch action := r.PathValue("action"); action {
	case "attest":
		after, err = s.boarding.Attest(ctx, by, o.ID)
	case "reject":
		after, err = s.boarding.Reject(ctx, by, o.ID, body.Reason)
	case "cancel":
		after, err = s.boarding.Cancel(ctx, by, o.ID, body.Reason)
	case "contract-signed":
		after, err = s.boarding.ContractSigned(ctx, by, o.ID, body.Evidence)
	default:
		fail(w, http.StatusNotFound, "not_found", "no action "+strconv.Quote(action)+": use attest, reject, cancel or contract-signed")
		return
	}
	if err != nil {
		s.boardingFail(w, err)
		return
	}
	s.log.Info("audit", "caller", by, "did", r.PathValue("action"), "order", o.ID)
	writeMasked(w, after)
}

// apiConfirm answers a task: done or refused (a refusal needs a reason,
// as the body's note).
func (s *Service) apiConfirm(w http.ResponseWriter, r *http.Request) {
	o, ok := s.orderOf(w, r)
	if !ok {
		return
	}
	task, err := uuid.Parse(r.PathValue("task"))
	if err != nil || !slices.ContainsFunc(o.Tasks, func(t boarding.Task) bool { return t.ID == task }) {
		fail(w, http.StatusNotFound, "not_found", "no such task in the order")
		return
	}
	var answer boarding.LinkAnswer
	switch r.PathValue("answer") {
	case "done":
		answer = boarding.LinkDone
	case "refuse":
		answer = boarding.LinkRefuse
	default:
		fail(w, http.StatusNotFound, "not_found", "answer done or refuse")
		return
	}
	var body struct {
		Note string `json:"note"`
	}
	if r.ContentLength != 0 {
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxOrderBody)).Decode(&body); err != nil {
			fail(w, http.StatusBadRequest, "bad_request", "the body: "+err.Error())
			return
		}
	}
	by := CallerFrom(r.Context()).Username
	after, err := s.boarding.Confirm(r.Context(), by, o.ID, task, answer, body.Note)
	if err != nil {
		s.boardingFail(w, err)
		return
	}
	s.log.Info("audit", "caller", by, "did", "answered a task "+r.PathValue("answer"), "order", o.ID, "task", task)
	writeMasked(w, after)
}

// boardingFail answers the engine's refusal with the status a client
// can act on.
func (s *Service) boardingFail(w http.ResponseWriter, err error) {
	msg := redact.NationalIDs(oneLine(err.Error()))
	var pe *boarding.PermissionError
	var re *boarding.RequestError
	var te *boarding.TransitionError
	switch {
	case errors.As(err, &pe):
		fail(w, http.StatusForbidden, "forbidden", msg)
	case errors.As(err, &re):
		writeJSON(w, http.StatusBadRequest, struct {
			apiError
			Field string `json:"field"`
		}{apiError{"bad_request", msg}, re.Field})
	case errors.Is(err, boarding.ErrNeedsReason):
		fail(w, http.StatusBadRequest, "bad_request", msg)
	case errors.As(err, &te), errors.Is(err, boarding.ErrNotReady), errors.Is(err, boarding.ErrConflict):
		fail(w, http.StatusConflict, "conflict", msg)
	case errors.Is(err, boarding.ErrNotFound):
		fail(w, http.StatusNotFound, "not_found", msg)
	default:
		s.apiFail(w, err)
	}
}
