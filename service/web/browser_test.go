package web

import (
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/internal/browsertest"
	"github.com/orgsync/orgsync/internal/oidctest"
)

// browserLogin logs u in in the tab through the provider's own login
// form, starting from the dashboard's redirect to the login page.
func (r *rig) browserLogin(tab *browsertest.Tab, u oidctest.User) {
	tab.Do(
		chromedp.Navigate(r.srv.URL+"/"),
		chromedp.Click(chromedp.CSS(`a[href^="/login/oidc"]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`#username`)),
		chromedp.SendKeys(chromedp.CSS(`#username`), u.Username),
		chromedp.SendKeys(chromedp.CSS(`#password`), u.Password),
		chromedp.Click(chromedp.CSS(`button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#jobs`)),
	)
}

// A manager logs in through the OpenID provider in a browser without
// JavaScript, sees the dashboard and places an order through the form;
// once HR has signed the contract, the system administrator confirms
// the task on their task list; an administrator downloads a report.
func TestBrowserBoarding(t *testing.T) {
	r := newRig(t)
	r.accountSeen(t, "10002")
	unit := r.unitID(t, "Plejecenter Solgården")

	tab := browsertest.New(t)
	tab.DisableJavaScript()
	r.browserLogin(tab, anne)
	assert.Contains(t, text(t, tab, `#who`), "Anne Sofie Møller-Hansen")
	assert.Contains(t, text(t, tab, `#lead`), "leder")

	tab.Do(
		chromedp.Navigate(r.srv.URL+"/boarding/order"),
		chromedp.SetValue(chromedp.CSS(`#role`), "basis"),
		chromedp.SetValue(chromedp.CSS(`#unit`), unit),
		chromedp.Click(chromedp.CSS(`#who-existing`)),
		chromedp.SendKeys(chromedp.CSS(`#employment`), "10002"),
		chromedp.Click(chromedp.CSS(`#place`)),
		chromedp.WaitVisible(chromedp.CSS(`#state`)),
	)
	assert.Equal(t, "parked", text(t, tab, `#state`))
	assert.Equal(t, "Søren Ærø", text(t, tab, `#person`))
	loc, err := chromedp.Run(tab.Context(), chromedp.Location())
	require.NoError(t, err)
	u, err := url.Parse(loc)
	require.NoError(t, err)

	code, body := r.login(t, hr).post(u.Path, url.Values{"action": {"contract-signed"}})
	require.Equal(t, 200, code, body)

	admin := browsertest.New(t)
	admin.DisableJavaScript()
	r.browserLogin(admin, it)
	admin.Do(
		chromedp.Navigate(r.srv.URL+"/boarding/tasks"),
		chromedp.SendKeys(chromedp.CSS(`input[name=note]`), "Oprettet i Opus – Søren"),
		chromedp.Click(chromedp.CSS(`button.confirm`)),
		chromedp.WaitVisible(chromedp.CSS(`#done`)),
	)
	assert.Equal(t, "Opgaven er bekræftet udført.", text(t, admin, `#done`))
	tab.Do(chromedp.Navigate(loc), chromedp.WaitVisible(chromedp.CSS(`#tasks`)))
	assert.Equal(t, "done", text(t, tab, `#tasks .task-state`))
	assert.Equal(t, "fulfilled", text(t, tab, `#state`))
	tab.AssertNoErrors()
	admin.AssertNoErrors()
}

// An administrator downloads the hires report as CSV through the form:
// the file's bytes hold the Danish names intact.
func TestBrowserReport(t *testing.T) {
	r := newRig(t)
	tab := browsertest.New(t)
	downloads := tab.Downloads()
	r.browserLogin(tab, r.alice)
	today := r.svc.Zone().Date(time.Now())
	tab.Do(
		chromedp.Navigate(r.srv.URL+"/reports"),
		chromedp.SetValue(chromedp.CSS(`#report`), "hires"),
		chromedp.SetValue(chromedp.CSS(`#format`), "csv"),
		chromedp.SetValue(chromedp.CSS(`#from`), today.AddDays(-1).String()),
		chromedp.SetValue(chromedp.CSS(`#to`), today.String()),
		chromedp.Click(chromedp.CSS(`#download`)),
	)
	path, data, err := downloads.Wait(tab.Context())
	require.NoError(t, err)
	assert.Equal(t, "hires-"+today.AddDays(-1).String()+"-"+today.AddDays(1).String()+".csv", filepath.Base(path))
	text := string(data)
	for _, name := range []string{"Søren", "Ærø", "Bjørn", "Østergård", "Plejecenter Solgården"} {
		assert.Contains(t, text, name)
	}
	onDisk, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, data, onDisk)
	tab.AssertNoErrors()
}

// An administrator pastes a proposal into the what-if form, without
// JavaScript, and sees what it would do: the changes and the AD plan.
func TestBrowserWhatIf(t *testing.T) {
	r := newRig(t)
	proposal, err := os.ReadFile("testdata/proposal.json")
	require.NoError(t, err)
	tab := browsertest.New(t)
	tab.DisableJavaScript()
	r.browserLogin(tab, r.alice)
	tab.Do(
		chromedp.Navigate(r.srv.URL+"/whatif"),
		chromedp.SetValue(chromedp.CSS(`#proposal`), string(proposal)),
		chromedp.Click(chromedp.CSS(`#run`)),
		chromedp.WaitVisible(chromedp.CSS(`#result`)),
	)
	changes, ops := text(t, tab, `#changes`), text(t, tab, `#ops`)
	assert.Contains(t, changes, `create unit`)
	assert.Contains(t, changes, `"U6"`, "the new unit")
	assert.Contains(t, ops, "Åbyhøj Hjemmepleje", "Søren's account moves to the new unit's department")
	tab.AssertNoErrors()
}

// text is the text of the first element the CSS selector finds.
func text(t *testing.T, tab *browsertest.Tab, sel string) string {
	t.Helper()
	s, err := chromedp.Run(tab.Context(), chromedp.Text(chromedp.CSS(sel)))
	require.NoError(t, err, sel)
	return s
}
