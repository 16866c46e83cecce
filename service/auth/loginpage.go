package auth

import (
	"html/template"
	"net/http"
)

// LoginPage is what a login page shows. [Handlers] fills it in and hands
// it to its Page function, which must write the response with Status.
type LoginPage struct {
	// Status is the HTTP status to answer with: 200, or 401, 403, 429 or
	// 503 after a failed attempt.
	Status int
	// Error is a message for the user after a failed attempt; it never
	// says whether the account exists.
	Error string
	// Passwords says whether to show the username and password form.
	Passwords bool
	// Action is where the form posts to.
	Action string
	// CSRFField and CSRFToken are a hidden field the form must send.
	CSRFField, CSRFToken string
	// ReturnToField and ReturnTo are a hidden field the form must send:
	// where to go after the login.
	ReturnToField, ReturnTo string
	// Username refills the username field after a failed attempt.
	Username string
	// OIDCURL, if not empty, is a link that starts single sign-on.
	OIDCURL string
}

// defaultPage is the login form used when Handlers.Page is nil: plain
// HTML, no script, no external resources.
var defaultPage = template.Must(template.New("login").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Log in – orgsync</title>
</head>
<body>
<main>
<h1>Log in</h1>
{{if .Error}}<p role="alert"><strong>{{.Error}}</strong></p>{{end}}
{{if .Passwords}}<form method="post" action="{{.Action}}">
<input type="hidden" name="{{.CSRFField}}" value="{{.CSRFToken}}">
<input type="hidden" name="{{.ReturnToField}}" value="{{.ReturnTo}}">
<p><label for="username">Username</label><br>
<input id="username" name="username" value="{{.Username}}" autocomplete="username" autocapitalize="none" spellcheck="false" required autofocus></p>
<p><label for="password">Password</label><br>
<input id="password" name="password" type="password" autocomplete="current-password" required></p>
<p><button type="submit">Log in</button></p>
</form>{{end}}
{{if .OIDCURL}}<p><a href="{{.OIDCURL}}">Log in with single sign-on</a></p>{{end}}
</main>
</body>
</html>
`))

// DefaultPage renders a minimal login form that works without
// JavaScript. It is what [Handlers] uses when its Page is nil.
func DefaultPage(w http.ResponseWriter, r *http.Request, p LoginPage) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(p.Status)
	defaultPage.Execute(w, p) // a write error means the client has gone
}
