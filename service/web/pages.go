package web

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"path"

	"github.com/orgsync/orgsync/internal/redact"
	"github.com/orgsync/orgsync/service"
)

//go:embed templates/*.html static/style.css
var files embed.FS

// ErrNoService is New without a service.
var ErrNoService = errors.New("web: no service")

// Pages is the service's web pages: an http.Handler to mount at "/" with
// (*service.Service).Mount, before the service's Handler is called.
type Pages struct {
	svc   *service.Service
	log   *slog.Logger
	pages map[string]*template.Template
	mux   *http.ServeMux
}

// Options are what New takes besides the service; every field is
// optional.
type Options struct {
	// Logger gets the pages' failures (default slog.Default()). Nothing
	// logged holds a CPR number in full or a password.
	Logger *slog.Logger
}

// New makes the pages of svc.
func New(svc *service.Service, opts Options) (*Pages, error) {
	if svc == nil {
		return nil, ErrNoService
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	p := &Pages{svc: svc, log: opts.Logger, pages: map[string]*template.Template{}}
	names, err := fs.Glob(files, "templates/*.html")
	if err != nil {
		return nil, err
	}
	for _, n := range names {
		base := path.Base(n)
		if base == "layout.html" || base == "partials.html" {
			continue
		}
		t, err := template.New(base).Funcs(p.funcs()).ParseFS(files, "templates/layout.html", "templates/partials.html", n)
		if err != nil {
			return nil, fmt.Errorf("web: template %s: %w", base, err)
		}
		p.pages[base] = t
	}
	p.routes()
	return p, nil
}

// Mount makes the pages and mounts them on svc at "/": the one call a
// host needs.
func Mount(svc *service.Service, opts Options) (*Pages, error) {
	p, err := New(svc, opts)
	if err != nil {
		return nil, err
	}
	svc.Mount("/", p)
	return p, nil
}

// ServeHTTP serves the pages. A panic below is answered with the error
// page rather than a dropped connection.
func (p *Pages) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			p.log.Error("web: a page failed", "path", r.URL.Path, "panic", redact.NationalIDs(fmt.Sprint(v)))
			p.fail(w, r, http.StatusInternalServerError, "Siden fejlede. Prøv igen, eller kontakt IT.")
		}
	}()
	h := w.Header()
	// No script runs on these pages, and nothing is loaded from
	// elsewhere: an injected <script> could not run even if escaping
	// failed.
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer") // links carry tokens
	p.mux.ServeHTTP(w, r)
}

// routes lists the pages and who may see them.
func (p *Pages) routes() {
	m := http.NewServeMux()
	m.HandleFunc("GET /static/style.css", p.style)
	m.HandleFunc("GET /{$}", p.need(anyone, p.dashboard))
	m.HandleFunc("GET /plan", p.need(admins, p.plan))
	m.HandleFunc("GET /chapel", p.need(admins, p.chapel))
	m.HandleFunc("GET /whatif", p.need(admins, p.whatifForm))
	m.HandleFunc("POST /whatif", p.need(admins, p.whatifRun))
	m.HandleFunc("GET /reports", p.need(adminHR, p.reportForm))
	m.HandleFunc("GET /reports/file", p.need(adminHR, p.reportFile))
	m.HandleFunc("GET /boarding/order", p.need(anyone, p.boarding(p.orderForm)))
	m.HandleFunc("POST /boarding/order", p.need(anyone, p.boarding(p.orderPlace)))
	m.HandleFunc("GET /boarding/orders", p.need(anyone, p.boarding(p.orderList)))
	m.HandleFunc("GET /boarding/orders/{id}", p.need(anyone, p.boarding(p.orderView)))
	m.HandleFunc("POST /boarding/orders/{id}", p.need(anyone, p.boarding(p.orderAct)))
	m.HandleFunc("GET /boarding/tasks", p.need(anyone, p.boarding(p.taskList)))
	m.HandleFunc("POST /boarding/tasks", p.need(anyone, p.boarding(p.taskAnswer)))
	m.HandleFunc("GET /boarding/confirm", p.need(anyone, p.boarding(p.confirmForm)))
	m.HandleFunc("POST /boarding/confirm", p.need(anyone, p.boarding(p.confirmPost)))
	// The one-time password is opened by the new employee, who has no
	// login yet: the token is the authority, and cross-origin posts are
	// refused here as the login layer does for a session.
	secret := http.NewCrossOriginProtection()
	m.HandleFunc("GET /boarding/secret", p.boarding(p.secretForm))
	m.Handle("POST /boarding/secret", secret.Handler(http.HandlerFunc(p.boarding(p.secretOpen))))
	m.HandleFunc("/", p.notFound)
	p.mux = m
}

// The roles the pages need.
var (
	anyone  = func(*service.Caller) bool { return true }
	admins  = func(c *service.Caller) bool { return c.Admin }
	adminHR = func(c *service.Caller) bool { return c.Admin || c.HR }
)

// need sends nobody to the login, and answers 403 to a caller the role
// does not allow.
func (p *Pages) need(allowed func(*service.Caller) bool, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c := service.CallerFrom(r.Context())
		switch {
		case c == nil && p.svc.LoginPath() == "":
			p.fail(w, r, http.StatusForbidden, "Ingen kan logge ind: tjenesten har ingen login (auth-afsnittet i konfigurationen).")
		case c == nil:
			back := r.URL.RequestURI()
			if r.Method != http.MethodGet {
				back = r.URL.Path // a POST is not repeated by the login
			}
			http.Redirect(w, r, p.svc.LoginPath()+"?"+url.Values{"return": {back}}.Encode(), http.StatusSeeOther)
		case !allowed(c):
			p.fail(w, r, http.StatusForbidden, "Dine roller giver ikke adgang til denne side.")
		default:
			h(w, r)
		}
	}
}

// boarding answers 404 where the service runs no boarding.
func (p *Pages) boarding(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if p.svc.Boarding() == nil {
			p.notFound(w, r)
			return
		}
		h(w, r)
	}
}

// view is what every page's template gets.
type view struct {
	// Title is the page's title.
	Title string
	// Caller is who is logged in (nil on the password page for nobody).
	Caller *service.Caller
	// CSRF is the token every form posts.
	CSRF string
	// Boarding says the boarding pages are there.
	Boarding bool
	// Data is the page's own.
	Data any
}

// render writes the page with the status. Every page may show personal
// data, so none is kept by a cache.
func (p *Pages) render(w http.ResponseWriter, r *http.Request, status int, page, title string, data any) {
	t := p.pages[page]
	if t == nil {
		panic("web: no template " + page)
	}
	v := view{Title: title, Caller: service.CallerFrom(r.Context()), Boarding: p.svc.Boarding() != nil, Data: data}
	if v.Caller != nil {
		v.CSRF = v.Caller.CSRFToken()
	}
	var b bytes.Buffer
	if err := t.ExecuteTemplate(&b, "layout", v); err != nil {
		p.log.Error("web: rendering a page", "page", page, "error", redact.NationalIDs(err.Error()))
		http.Error(w, "the page could not be rendered", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(b.Bytes())
}

// problem is the error page's data.
type problem struct {
	Status  int
	Message string
}

// fail shows the error page.
func (p *Pages) fail(w http.ResponseWriter, r *http.Request, status int, msg string) {
	title := map[int]string{http.StatusForbidden: "Ingen adgang", http.StatusNotFound: "Siden findes ikke"}[status]
	if title == "" {
		title = "Fejl"
	}
	p.render(w, r, status, "error.html", title, problem{Status: status, Message: msg})
}

func (p *Pages) notFound(w http.ResponseWriter, r *http.Request) {
	p.fail(w, r, http.StatusNotFound, "Der er ingen side på "+r.URL.Path+".")
}

// style serves the style sheet, which holds nothing personal.
func (p *Pages) style(w http.ResponseWriter, r *http.Request) {
	b, _ := files.ReadFile("static/style.css")
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	w.Write(b)
}
