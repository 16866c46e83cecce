package auth_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/service/auth"
)

// Wiring password login against AD and sessions into a web service.
func Example() {
	key := make([]byte, auth.KeySize) // in production: from a secret store, the same on every instance
	rand.Read(key)
	sessions, err := auth.NewSessions(auth.SessionConfig{Keys: [][]byte{key}})
	if err != nil {
		panic(err)
	}
	dc, err := auth.NewLDAP(auth.LDAPConfig{
		URL:          "ldaps://dc1.kommune.example:636",
		ServerName:   "dc1.kommune.example", // as in the DC's certificate; CAFile or RootCAs if it is not a public CA
		BaseDN:       "DC=kommune,DC=example",
		BindDN:       "CN=svc-orgsync-lookup,OU=Service,DC=kommune,DC=example",
		BindPassword: connectors.Secret("from the secret store"),
	})
	if err != nil {
		panic(err) // a *auth.ConfigError
	}
	logins := &auth.Handlers{
		Passwords: dc,
		Sessions:  sessions,
		Audit: func(ctx context.Context, e auth.AuditEvent) {
			fmt.Println(e.Kind, e.Username, e.Reason)
		},
	}
	mux := http.NewServeMux()
	mux.Handle("/login", logins)
	mux.Handle("/login/", logins)
	mux.Handle("/logout", logins)
	mux.Handle("/", auth.RequireCSRF(sessions, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sess, err := sessions.Refresh(w, r)
		if err != nil {
			http.Redirect(w, r, "/login?return="+r.URL.Path, http.StatusSeeOther)
			return
		}
		fmt.Fprintf(w, "Hello, %s", sess.Principal.Name)
	})))
	_ = http.ListenAndServeTLS // serve mux over TLS: the cookies are Secure
}

// Roles follow from groups, given as DNs or as CNs.
func ExampleRoleMap_Roles() {
	roles := auth.RoleMap{
		Admin:   []string{"CN=orgsync-admins,OU=Groups,DC=kommune,DC=example"},
		HR:      []string{"HR-Løn"},
		Systems: map[string][]string{"opus": {"OPUS-Admins"}, "sbsys": {"SBSYS-Admins"}},
	}.Roles(&auth.Principal{Groups: []string{
		"CN=HR-Løn,OU=Groups,DC=kommune,DC=example",
		"CN=opus-admins,OU=Groups,DC=kommune,DC=example",
	}})
	fmt.Printf("admin=%v hr=%v systems=%v\n", roles.Admin, roles.HR, roles.Systems)
	// Output: admin=false hr=true systems=[opus]
}

// A session is a sealed cookie: issue it after a login, read it on every
// request.
func ExampleSessions() {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	sessions, _ := auth.NewSessions(auth.SessionConfig{
		Keys: [][]byte{make([]byte, auth.KeySize)}, // all zero: for the example only
		Now:  func() time.Time { return now },
	})
	w := httptest.NewRecorder()
	sessions.Issue(w, &auth.Principal{Subject: "3f2a…", Username: "alice", Method: auth.MethodLDAP})

	r := httptest.NewRequest("GET", "/", nil)
	r.AddCookie(w.Result().Cookies()[0])
	sess, err := sessions.Get(r)
	fmt.Println(sess.Principal.Username, sess.Principal.Expires.Format(time.Kitchen), err)

	now = now.Add(2 * time.Hour) // idle for longer than the 1h default
	_, err = sessions.Get(r)
	fmt.Println(err)
	// Output:
	// alice 5:00PM <nil>
	// auth: not logged in: idle too long
}
