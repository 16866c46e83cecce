package username_test

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/orgsync/orgsync/username"
)

// FuzzGenerate feeds arbitrary Unicode to the generator: it must never
// panic, and must return a username of a-z and 0-9 within the length
// bounds, not forbidden and not taken, or a typed error.
func FuzzGenerate(f *testing.F) {
	for _, s := range [][2]string{
		{"Jens Peter", "Hansen"}, {"Søren", "Ærø-Østergård"}, {"", ""}, {"Γιώργος", "Παπαδόπουλος"},
		{"a,b+c\"d\\e<f>g;h=i*j(k)l", "\x00"}, {"Con", "Nor"}, {"Anne  Sofie", "van der Berg"},
		{"\xff\xfe", "İlker"}, {"ﬀ", "ß"},
	} {
		f.Add(s[0], s[1])
	}
	idx := username.NewIndex()
	for _, n := range []string{"jeha", "jeha2", "sa", "aa", "bb"} {
		idx.Add(n, username.Holding{Where: username.InSAMAccountName})
	}
	cfg := username.Config{
		Patterns:            []string{"FFLL", "FLLX", "F1LL", "LLLL", "FFFX"},
		SuffixBase:          "FFL",
		SuffixMax:           5,
		Forbidden:           []string{"anal"},
		ForbiddenSubstrings: []string{"fuk"},
		MaxLength:           8,
		MailDomain:          "kommune.dk",
		UPNDomain:           "kommune.dk",
	}
	g, err := username.New(cfg, []username.Taken{idx})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, given, surname string) {
		r, err := g.Generate(ctx, username.Request{Name: username.Name{GivenNames: given, Surname: surname}})
		if err != nil {
			var ne *username.NameError
			if !errors.As(err, &ne) && !errors.Is(err, username.ErrExhausted) {
				t.Fatalf("untyped error %T: %v", err, err)
			}
			return
		}
		defer g.Release(r.Token)
		u := r.Username
		if len(u) < 2 || len(u) > 8 {
			t.Fatalf("username %q is out of bounds", u)
		}
		for i := 0; i < len(u); i++ {
			if c := u[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
				t.Fatalf("username %q has %q", u, c)
			}
		}
		if hs, _ := idx.Holdings(ctx, u); len(hs) > 0 {
			t.Fatalf("username %q is taken", u)
		}
		if u == "anal" || u == "con" || strings.Contains(u, "fuk") {
			t.Fatalf("username %q is forbidden", u)
		}
		if !utf8.ValidString(r.Mail) || r.UPN != u+"@kommune.dk" {
			t.Fatalf("bad UPN %q or mail %q", r.UPN, r.Mail)
		}
	})
}
