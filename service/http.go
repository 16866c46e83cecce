package service

import (
	"context"
	"database/sql"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/orgsync/orgsync/service/auth"
)

// Handler returns the service's HTTP side: /healthz (the process and its
// database answer), /readyz (Run is running: 200, or 503), /metrics
// (Prometheus, the service's own registry) and the JSON API under
// /api/v1/ (see api.go). More can be mounted around it by the host.
func (s *Service) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /readyz", s.readyz)
	mux.Handle("GET /metrics", promhttp.HandlerFor(s.metrics.reg, promhttp.HandlerOpts{}))
	s.api(mux)
	for _, m := range s.mounts {
		mux.Handle(m.pattern, m.h)
	}
	if s.login != nil && s.login.handlers != nil {
		mux.Handle(auth.PathLogin, s.login.handlers)
		mux.Handle(auth.PathLogin+"/", s.login.handlers)
		mux.Handle(auth.PathLogout, s.login.handlers)
	}
	return s.instrument(mux, s.authenticate(mux))
}

// mount is a handler a host added with Mount.
type mount struct {
	pattern string
	h       http.Handler
}

// Mount adds a handler to what Handler serves, for pattern (as
// http.ServeMux takes it: the web pages mount "/"), behind the login
// layer: the handler finds the request's caller with CallerFrom. Call it
// before Handler.
func (s *Service) Mount(pattern string, h http.Handler) {
	s.mounts = append(s.mounts, mount{pattern, h})
}

// LoginPath is where a person logs in (?return=/local/path), when the
// service has a login; "" when it has none or lets everyone in.
func (s *Service) LoginPath() string {
	if s.login == nil || s.login.handlers == nil {
		return ""
	}
	return auth.PathLogin
}

// healthz answers 200 while the database answers a read within a second.
func (s *Service) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), time.Second)
	defer cancel()
	if err := s.db.Read(ctx, func(tx *sql.Tx) error {
		var one int
		return tx.QueryRowContext(ctx, "SELECT 1").Scan(&one)
	}); err != nil {
		http.Error(w, "the state database does not answer", http.StatusServiceUnavailable)
		return
	}
	w.Write([]byte("ok\n"))
}

// readyz answers 200 while Run runs, saying whether this host leads.
func (s *Service) readyz(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	ready, leading := s.ready, s.leading
	s.mu.Unlock()
	if !ready {
		http.Error(w, "not running", http.StatusServiceUnavailable)
		return
	}
	if leading {
		w.Write([]byte("ready: leading\n"))
	} else {
		w.Write([]byte("ready: standing by\n"))
	}
}

// instrument times every request by its route pattern.
func (s *Service) instrument(mux *http.ServeMux, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, code: http.StatusOK}
		next.ServeHTTP(sw, r)
		_, pattern := mux.Handler(r)
		if pattern == "" {
			pattern = "unmatched"
		}
		s.metrics.httpTime.WithLabelValues(pattern, strconv.Itoa(sw.code/100)+"xx").Observe(time.Since(start).Seconds())
	})
}

// statusWriter remembers the status code written.
type statusWriter struct {
	http.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(code int) {
	w.code = code
	w.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the writer underneath.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// writeJSON writes v as JSON with the status code.
func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

// apiError is the API's error body: a stable code a client can act on,
// and a message for a person.
type apiError struct {
	// Code is "bad_request", "unauthorized", "forbidden", "not_found",
	// "conflict", "unavailable" or "internal".
	Code string `json:"code"`
	// Message says what happened and what to do.
	Message string `json:"message"`
}

// fail writes an API error.
func fail(w http.ResponseWriter, code int, kind, msg string) {
	writeJSON(w, code, apiError{Code: kind, Message: msg})
}
