package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/orgsync/orgsync/boarding"
	"github.com/orgsync/orgsync/service"
)

// confirmPage is the task a mail's link names, and what came of it.
type confirmPage struct {
	Token         string
	Answer        boarding.LinkAnswer
	Refuse        bool
	Order         orderRow
	System, What  string
	Task          boarding.Task
	Done, Refused string
}

// confirmForm shows the task a link names and asks for the answer: a GET
// never acts, since mail scanners and previews follow links.
func (p *Pages) confirmForm(w http.ResponseWriter, r *http.Request) {
	p.showConfirm(w, r, http.StatusOK, confirmPage{Token: r.URL.Query().Get("token")})
}

func (p *Pages) showConfirm(w http.ResponseWriter, r *http.Request, status int, v confirmPage) {
	signer := p.svc.LinkSigner()
	if signer == nil {
		p.fail(w, r, http.StatusNotFound, "Opgavemails har ingen links her (boarding.link_key er ikke sat).")
		return
	}
	l, err := signer.Verify(v.Token, p.svc.Now())
	if err != nil {
		p.fail(w, r, http.StatusBadRequest, refusal(err))
		return
	}
	o, err := p.svc.Boarding().Store.Get(r.Context(), l.Order)
	if err != nil {
		if errors.Is(err, boarding.ErrNotFound) {
			p.fail(w, r, http.StatusNotFound, "Bestillingen findes ikke længere.")
		} else {
			p.serviceFailed(w, r, err)
		}
		return
	}
	for _, t := range o.Tasks {
		if t.ID == l.Task {
			v.Task = t
			v.System, v.What = p.itemName(t.Item)
		}
	}
	v.Answer, v.Refuse, v.Order = l.Answer, l.Answer == boarding.LinkRefuse, p.orderRow(o)
	p.render(w, r, status, "confirm.html", "Bekræft opgave", v)
}

// confirmPost gives the link's answer as the logged-in caller, whom the
// engine holds to Confirm's rights.
func (p *Pages) confirmPost(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	c := service.CallerFrom(r.Context())
	v := confirmPage{Token: r.PostFormValue("token")}
	signer := p.svc.LinkSigner()
	if signer == nil {
		p.showConfirm(w, r, http.StatusNotFound, v)
		return
	}
	_, err := p.svc.Boarding().ConfirmLink(r.Context(), signer, c.Username, v.Token, strings.TrimSpace(r.PostFormValue("note")))
	if errors.Is(err, boarding.ErrLinkForged) || errors.Is(err, boarding.ErrLinkExpired) {
		p.fail(w, r, http.StatusBadRequest, refusal(err))
		return
	}
	if err != nil {
		v.Refused = refusal(err)
		p.showConfirm(w, r, refusalStatus(err), v)
		return
	}
	l, _ := signer.Verify(v.Token, p.svc.Now())
	v.Done = answered(l.Answer)
	p.showConfirm(w, r, http.StatusOK, v)
}

// refusalStatus is the status of a page showing the engine's refusal.
func refusalStatus(err error) int {
	var pe *boarding.PermissionError
	if errors.As(err, &pe) {
		return http.StatusForbidden
	}
	if errors.Is(err, boarding.ErrNeedsReason) {
		return http.StatusBadRequest
	}
	return http.StatusConflict
}

// secretPage is the one-time password page.
type secretPage struct {
	Token    string
	Password string
	Gone     bool
}

// secretForm shows the button that opens the password: opening it is a
// POST, so that a link preview does not use it up.
func (p *Pages) secretForm(w http.ResponseWriter, r *http.Request) {
	if p.svc.Secrets() == nil {
		p.notFound(w, r)
		return
	}
	p.render(w, r, http.StatusOK, "secret.html", "Adgangskode", secretPage{Token: r.URL.Query().Get("token")})
}

// secretOpen opens the password, once. It is shown, never logged, and
// the page is not kept by any cache (render sets no-store).
func (p *Pages) secretOpen(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	s := p.svc.Secrets()
	if s == nil {
		p.notFound(w, r)
		return
	}
	v := secretPage{Token: r.PostFormValue("token")}
	pw, err := s.Open(r.Context(), v.Token, p.svc.Now())
	switch {
	case errors.Is(err, boarding.ErrSecretGone):
		v.Gone = true
		p.render(w, r, http.StatusGone, "secret.html", "Adgangskode", v)
		return
	case err != nil:
		p.log.Warn("web: opening a one-time secret failed") // the error may not hold the secret, but says nothing useful either
		p.fail(w, r, http.StatusInternalServerError, "Adgangskoden kunne ikke åbnes. Prøv igen, eller kontakt IT.")
		return
	}
	v.Password = string(pw)
	p.render(w, r, http.StatusOK, "secret.html", "Adgangskode", v)
}
