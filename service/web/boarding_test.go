package web

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/boarding"
	"github.com/orgsync/orgsync/orgmodel"
)

// unitID is the id of the unit named name today.
func (r *rig) unitID(t *testing.T, name string) string {
	t.Helper()
	v := r.svc.Model().Latest()
	g := v.At(r.svc.Zone().Date(time.Now()))
	for o := range v.All(orgmodel.KindUnit) {
		if u, ok := g.Unit(o.ID); ok && u.Name == name {
			return o.ID.String()
		}
	}
	t.Fatalf("no unit %s", name)
	return ""
}

// accountSeen waits until the directory's read-back has recorded the AD
// account of the person with the engagement in the org model.
func (r *rig) accountSeen(t *testing.T, employment string) {
	r.waitFor(t, "the AD account of "+employment+" in the org model", func() bool {
		v := r.svc.Model().Latest()
		g := v.At(r.svc.Zone().Date(time.Now()))
		for _, id := range v.Lookup(orgmodel.KindEngagement, employment) {
			if en, ok := g.Engagement(id); ok {
				for _, a := range g.Accounts(en.Person) {
					if a.System == "Active Directory" && a.Username != "" {
						return true
					}
				}
			}
		}
		return false
	})
}

func orderValues(key, unit, role, start string) url.Values {
	return url.Values{"key": {key}, "unit": {unit}, "role": {role}, "start": {start}}
}

var orderPath = regexp.MustCompile(`^/boarding/orders/([0-9a-f-]{36})$`)

// A manager orders for an existing employee of a unit below theirs; the
// engine's refusals (someone who is no manager, a role without its
// reason) are shown next to their fields and store nothing; HR signs the
// contract and the order activates; the system administrator confirms
// the task from the mail's link; nobody else sees the order.
func TestBoardingOrder(t *testing.T) {
	r := newRig(t)
	r.accountSeen(t, "10002")
	manager, clerk, hrc, admin := r.login(t, anne), r.login(t, carl), r.login(t, hr), r.login(t, it)
	unit := r.unitID(t, "Plejecenter Solgården")
	start := r.svc.Zone().Date(time.Now()).AddDays(14).String()

	code, body := manager.get("/boarding/order")
	require.Equal(t, http.StatusOK, code)
	assert.Contains(t, body, "Sjølund Kommune / Ældre og Sundhed / Plejecenter Solgården", "the units she manages, by path")
	assert.NotContains(t, body, "Skovbrynet Skole", "not a unit she manages")

	f := orderValues("k-carl", unit, "basis", start)
	f.Set("who", "existing")
	f.Set("employment", "10002")
	code, body = clerk.post("/boarding/order", f)
	assert.Equal(t, http.StatusForbidden, code)
	assert.Regexp(t, `id="unit-error">boarding: carl may not order`, body)

	f = orderValues("k-noreason", unit, "leder", start)
	f.Set("who", "existing")
	f.Set("employment", "10002")
	code, body = manager.post("/boarding/order", f)
	assert.Equal(t, http.StatusBadRequest, code)
	assert.Contains(t, body, `id="reason-error">the job role Leder needs a reason`)
	orders, err := r.svc.Boarding().Store.List(context.Background(), boarding.Query{})
	require.NoError(t, err)
	assert.Empty(t, orders, "a refused order is not stored")

	// A coming employee whose name holds markup and LDAP's special
	// characters: text on every page.
	f = orderValues("k-new", unit, "basis", start)
	f.Set("who", "new")
	f.Set("given_names", "Bo <script>alert(1)</script>")
	f.Set("surname", `Ærø,+=\#"<`)
	code, loc := manager.post("/boarding/order", f)
	require.Equal(t, http.StatusSeeOther, code, loc)
	_, body = manager.get("/boarding/orders")
	assert.Contains(t, body, "Bo &lt;script&gt;alert(1)&lt;/script&gt; Ærø,&#43;=\\#&#34;&lt; (ny)")
	assert.NotContains(t, body, "<script>")

	f = orderValues("k-1", unit, "basis", start)
	f.Set("who", "existing")
	f.Set("employment", "10002")
	code, loc = manager.post("/boarding/order", f)
	require.Equal(t, http.StatusSeeOther, code, loc)
	m := orderPath.FindStringSubmatch(loc)
	require.NotNil(t, m, loc)
	id := m[1]
	_, again := manager.post("/boarding/order", f)
	assert.Equal(t, loc, again, "the form sent twice is one order")

	code, body = manager.get(loc)
	require.Equal(t, http.StatusOK, code)
	assert.Contains(t, body, `id="state">parked`)
	assert.Contains(t, body, "Søren Ærø")
	assert.NotContains(t, body, `id="contract-signed"`, "a manager cannot sign the contract")
	code, body = manager.post(loc, url.Values{"action": {"contract-signed"}})
	assert.Equal(t, http.StatusForbidden, code)
	assert.Contains(t, body, `id="refused">Ikke tilladt: boarding: anne@sjolund.example may not say a contract is signed`)

	code, _ = clerk.get(loc)
	assert.Equal(t, http.StatusNotFound, code, "carl may not see the order")
	_, body = clerk.get("/boarding/orders")
	assert.Contains(t, body, `id="no-orders"`)

	_, body = hrc.get(loc)
	assert.Contains(t, body, `id="contract-signed"`)
	code, body = hrc.post(loc, url.Values{"action": {"contract-signed"}})
	require.Equal(t, http.StatusOK, code, body)
	assert.Contains(t, body, `id="state">active`)

	_, body = admin.get("/boarding/tasks")
	assert.Contains(t, body, "KMD Opus: Medarbejderportal")
	_, body = clerk.get("/boarding/tasks")
	assert.Contains(t, body, `id="no-tasks"`)

	// The task mail's link: GET shows the task and changes nothing.
	var link string
	r.waitFor(t, "the task mail", func() bool {
		for _, msg := range r.mailer.Sent() {
			if i := strings.Index(msg.Text, r.srv.URL+"/boarding/confirm?token="); i >= 0 {
				link = strings.Fields(msg.Text[i:])[0]
				return true
			}
		}
		return false
	})
	u, err := url.Parse(link)
	require.NoError(t, err)
	token := u.Query().Get("token")
	code, body = admin.get("/boarding/confirm?token=" + url.QueryEscape(token))
	require.Equal(t, http.StatusOK, code, body)
	assert.Contains(t, body, `id="task-state">open`)
	code, body = clerk.post("/boarding/confirm", url.Values{"token": {token}})
	assert.Equal(t, http.StatusForbidden, code, "carl is no administrator of the system")
	assert.Contains(t, body, `id="refused">Ikke tilladt`)
	code, body = admin.post("/boarding/confirm", url.Values{"token": {token}})
	require.Equal(t, http.StatusOK, code, body)
	assert.Contains(t, body, `id="done"`)
	o, err := r.svc.Boarding().Store.Get(context.Background(), uuid.MustParse(id))
	require.NoError(t, err)
	assert.Equal(t, boarding.Fulfilled, o.State)
	code, _ = admin.get("/boarding/confirm?token=" + url.QueryEscape(token[:len(token)-2]+"xx"))
	assert.Equal(t, http.StatusBadRequest, code, "an altered link")

	_, body = manager.get(loc)
	assert.Contains(t, body, `id="timeline"`)
	assert.Contains(t, body, "it@sjolund.example")
}

// The one-time password page shows a button on GET and the password
// once on POST, to someone without a login; never kept by a cache.
func TestSecret(t *testing.T) {
	r := newRig(t)
	s := r.svc.Secrets()
	require.NotNil(t, s)
	token, err := s.Seal(context.Background(), "Kode-æøå-42", time.Now().Add(time.Hour))
	require.NoError(t, err)
	nobody := r.anonymous(t)
	code, body := nobody.get("/boarding/secret?token=" + token)
	require.Equal(t, http.StatusOK, code)
	assert.Contains(t, body, `id="open"`)
	assert.NotContains(t, body, "Kode-æøå-42")
	resp, err := nobody.c.PostForm(r.srv.URL+"/boarding/secret", url.Values{"token": {token}})
	require.NoError(t, err)
	assert.Equal(t, "no-store", resp.Header.Get("Cache-Control"))
	code, body = nobody.read(resp)
	assert.Equal(t, http.StatusOK, code)
	assert.Contains(t, body, `id="password">Kode-æøå-42<`)
	code, body = nobody.post("/boarding/secret", url.Values{"token": {token}})
	assert.Equal(t, http.StatusGone, code, "once")
	assert.NotContains(t, body, "Kode-æøå-42")
}
