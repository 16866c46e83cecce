package sdtest

import (
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Namespace is the XML namespace the server's answers are in (SD's
// answers carry one; the connector matches local names).
const Namespace = "urn:oio:sd:snitflader:2011.12.01"

// The operations the server answers, and the parameters each requires.
var required = map[string][]string{
	"GetOrganization20111201": {"InstitutionIdentifier", "ActivationDate", "DeactivationDate", "UUIDIndicator"},
	"GetDepartment20111201": {"InstitutionIdentifier", "ActivationDate", "DeactivationDate", "DepartmentNameIndicator",
		"UUIDIndicator"},
	"GetPerson20111201": {"InstitutionIdentifier", "EffectiveDate", "StatusActiveIndicator", "StatusPassiveIndicator"},
	"GetEmployment20111201": {"InstitutionIdentifier", "EffectiveDate", "StatusActiveIndicator", "StatusPassiveIndicator",
		"DepartmentIndicator", "EmploymentStatusIndicator", "ProfessionIndicator", "WorkingTimeIndicator"},
	"GetEmploymentChangedAtDate20111201": {"InstitutionIdentifier", "ActivationDate", "ActivationTime", "DeactivationDate",
		"DeactivationTime", "DepartmentIndicator", "EmploymentStatusIndicator", "ProfessionIndicator",
		"WorkingTimeIndicator", "FutureInformationIndicator"},
}

// Server is a fake SD web service on an httptest server.
type Server struct {
	*httptest.Server
	// Institution, User and Password are what the server accepts.
	Institution, User, Password string

	mu        sync.Mutex
	data      *Data
	bodies    map[string][]byte // rendered answers, by operation
	overrides map[string]Override
	requests  []*url.URL
}

// Override replaces an operation's answer.
type Override struct {
	Status int    // the HTTP status; 0 is 200
	Body   string // the body as it is sent
}

// NewTLS starts a server over TLS (its certificate is the Server's
// Certificate) that accepts institution, user and password.
func NewTLS(institution, user, password string) *Server {
	s := &Server{Institution: institution, User: user, Password: password, overrides: map[string]Override{}}
	s.Server = httptest.NewUnstartedServer(http.HandlerFunc(s.serve))
	s.Server.Config.ErrorLog = log.New(io.Discard, "", 0) // handshakes cut short by a closing client
	s.Server.StartTLS()
	s.SetData(&Data{})
	return s
}

// SetData makes the server answer from d from now on. d is the server's
// until the next SetData; the answers are rendered once.
func (s *Server) SetData(d *Data) {
	bodies := map[string][]byte{}
	for op := range required {
		if op != opChangedAt {
			bodies[op] = d.render(op, s.Institution, time.Time{}, time.Time{})
		}
	}
	s.mu.Lock()
	s.data, s.bodies = d, bodies
	s.mu.Unlock()
}

// SetOverride makes operation op answer with o until ClearOverride.
func (s *Server) SetOverride(op string, o Override) {
	s.mu.Lock()
	s.overrides[op] = o
	s.mu.Unlock()
}

// ClearOverride undoes SetOverride.
func (s *Server) ClearOverride(op string) {
	s.mu.Lock()
	delete(s.overrides, op)
	s.mu.Unlock()
}

// Requests returns the URLs of the requests served so far.
func (s *Server) Requests() []*url.URL {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*url.URL(nil), s.requests...)
}

const opChangedAt = "GetEmploymentChangedAtDate20111201"

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	op := r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:]
	s.mu.Lock()
	s.requests = append(s.requests, r.URL)
	o, overridden := s.overrides[op]
	data, body := s.data, s.bodies[op]
	s.mu.Unlock()
	if r.Method != http.MethodGet {
		http.Error(w, "GET only", http.StatusMethodNotAllowed)
		return
	}
	if user, pw, ok := r.BasicAuth(); !ok || user != s.User || pw != s.Password {
		w.Header().Set("WWW-Authenticate", `Basic realm="sdws"`)
		http.Error(w, "Unauthorized", http.StatusUnauthorized)
		return
	}
	if overridden {
		if o.Status != 0 {
			w.WriteHeader(o.Status)
		}
		w.Write([]byte(o.Body))
		return
	}
	params, ok := required[op]
	if !ok {
		WriteFault(w, http.StatusNotFound, "env:Client", "Unknown service "+op)
		return
	}
	q := r.URL.Query()
	for _, p := range params {
		if q.Get(p) == "" {
			WriteFault(w, http.StatusInternalServerError, "env:Client", fmt.Sprintf("The parameter %s is missing", p))
			return
		}
	}
	if q.Get("InstitutionIdentifier") != s.Institution {
		WriteFault(w, http.StatusInternalServerError, "env:Client", "The stated InstitutionIdentifier "+q.Get("InstitutionIdentifier")+" does not exist")
		return
	}
	for _, p := range []string{"ActivationDate", "DeactivationDate", "EffectiveDate"} {
		if v := q.Get(p); v != "" {
			if _, err := time.Parse("02.01.2006", v); err != nil {
				WriteFault(w, http.StatusInternalServerError, "env:Client", fmt.Sprintf("The parameter %s is not a date (dd.mm.yyyy): %s", p, v))
				return
			}
		}
	}
	if op == opChangedAt {
		from, err1 := time.ParseInLocation("02.01.2006 15:04", q.Get("ActivationDate")+" "+q.Get("ActivationTime"), copenhagen)
		to, err2 := time.ParseInLocation("02.01.2006 15:04", q.Get("DeactivationDate")+" "+q.Get("DeactivationTime"), copenhagen)
		if err1 != nil || err2 != nil {
			WriteFault(w, http.StatusInternalServerError, "env:Client", "The time parameters are not HH:MM")
			return
		}
		body = data.render(op, s.Institution, from, to.Add(time.Minute-time.Nanosecond))
	}
	w.Header().Set("Content-Type", "text/xml;charset=UTF-8")
	w.Write(body)
}

// WriteFault writes a SOAP 1.1 fault, as SD answers an error.
func WriteFault(w http.ResponseWriter, status int, code, message string) {
	w.Header().Set("Content-Type", "text/xml;charset=UTF-8")
	w.WriteHeader(status)
	fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><env:Envelope xmlns:env="http://schemas.xmlsoap.org/soap/envelope/"><env:Body><env:Fault><faultcode>%s</faultcode><faultstring>%s</faultstring><detail><ns2:ExceptionDetail xmlns:ns2="%s">%s</ns2:ExceptionDetail></detail></env:Fault></env:Body></env:Envelope>`,
		escape(code), escape(message), Namespace, escape(message))
}

var copenhagen = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Copenhagen")
	if err != nil {
		panic(err)
	}
	return loc
}()
