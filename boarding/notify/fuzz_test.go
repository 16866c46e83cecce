package notify

import (
	"errors"
	"net/mail"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/orgsync/orgsync/connectors"
)

// FuzzOneLine checks that whatever a name in the model holds, what
// reaches a header is one line of valid UTF-8 within the limit.
func FuzzOneLine(f *testing.F) {
	for _, s := range []string{"", "Søren Øster", "Per\r\nBcc: x@y.test", "a\u2028b\u2029c", "\x00\t  x ", strings.Repeat("æ", 300), "\xff\xfe"} {
		f.Add(s, 40)
	}
	f.Fuzz(func(t *testing.T, s string, max int) {
		max = max%1000 + 1
		if max < 0 {
			max = -max
		}
		got := oneLine(s, max)
		if len(got) > max {
			t.Fatalf("oneLine(%q, %d) = %q: %d bytes", s, max, got, len(got))
		}
		if !utf8.ValidString(got) {
			t.Fatalf("oneLine(%q) = %q: not UTF-8", s, got)
		}
		if strings.ContainsAny(got, "\r\n\u2028\u2029\x00\t") || strings.HasPrefix(got, " ") || strings.HasSuffix(got, " ") {
			t.Fatalf("oneLine(%q) = %q", s, got)
		}
		if connectors.CheckText(got, connectors.MaxSubjectBytes) != nil && len(got) <= connectors.MaxSubjectBytes {
			t.Fatalf("oneLine(%q) = %q, which a message refuses: %v", s, got, connectors.CheckText(got, connectors.MaxSubjectBytes))
		}
	})
}

// FuzzCheckAddr checks that an address the configuration or the model
// gives is used only when it is one bare address a mail system takes.
func FuzzCheckAddr(f *testing.F) {
	for _, s := range []string{"it@sjolund.test", "", "Søren <s@x.test>", "a@b", "a@b, c@d", "a\r\n@b.test", "\"a b\"@x.test", "æ@ø.test", "a@b.test\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if checkAddr(s) != nil {
			return
		}
		p, err := mail.ParseAddress(s)
		if err != nil || p.Address != s || p.Name != "" {
			t.Fatalf("checkAddr accepted %q", s)
		}
		if strings.ContainsAny(s, "\r\n\x00,<>") && !strings.HasPrefix(s, "\"") {
			t.Fatalf("checkAddr accepted %q", s)
		}
		if err := connectors.CheckMessage(&connectors.Message{Key: "k", From: connectors.Address{Addr: "a@b.test"},
			To: []connectors.Address{{Addr: s}}, Subject: "s", Text: "t"}); err != nil {
			t.Fatalf("checkAddr accepted %q, which a message refuses: %v", s, err)
		}
	})
}

// FuzzTemplate checks that any template a municipality writes is refused
// with a *ConfigError when it does not work, and otherwise renders the
// sample notice into a subject fit for a header.
func FuzzTemplate(f *testing.F) {
	for _, name := range []string{"person-created", "digest", "termination-registered"} {
		src, err := shipped.ReadFile("templates/" + name + ".tmpl")
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(src))
	}
	for _, s := range []string{
		"", `{{define "subject"}}x{{end}}`,
		`{{define "subject"}}{{.Person.Name}}{{end}}{{define "text"}}{{.Persn}}{{end}}{{define "html"}}<p>{{end}}`,
		`{{define "subject"}}{{template "subject"}}{{end}}{{define "text"}}{{end}}{{define "html"}}{{end}}`,
		`{{define "subject"}}{{range .Engagements}}{{.Unit.Path}}` + "\n" + `{{end}}{{end}}{{define "text"}}{{.Person.CPR}}{{end}}{{define "html"}}<a href="{{.Person.Name}}">{{end}}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		mt, err := parseTemplate("fuzz.tmpl", src)
		if err != nil {
			var ce *ConfigError
			if !errors.As(err, &ce) || ce.File != "fuzz.tmpl" {
				t.Fatalf("error %v (%T) is not a *ConfigError on the file", err, err)
			}
			return
		}
		r, err := mt.render(sampleData())
		if err != nil {
			t.Fatalf("a template that rendered the sample at parse fails on it now: %v", err)
		}
		if r.subject == "" || strings.ContainsAny(r.subject, "\r\n") || len(r.subject) > connectors.MaxSubjectBytes {
			t.Fatalf("subject %q", r.subject)
		}
	})
}
