package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// orgsync runs the tool in-process and returns what it printed and its
// exit status.
func orgsync(args ...string) (stdout, stderr string, status int) {
	var out, errOut bytes.Buffer
	status = run(args, &out, &errOut)
	return out.String(), errOut.String(), status
}

// sample runs the username command with the sample config and taken file.
func sample(args ...string) (string, string, int) {
	return orgsync(append([]string{"username", "--config", "testdata/username.yaml", "--taken", "testdata/taken.txt"}, args...)...)
}

func lines(s ...string) string { return strings.Join(s, "\n") + "\n" }

func TestUsernameText(t *testing.T) {
	out, errOut, status := sample("Jens Hansen", "Søren Ærø Østergård", "Anne-Marie Bøgh", "Jürgen Müller", "Pia Kristensen")
	assert.Equal(t, lines(
		"Jens Hansen → jhan  jhan@kommune.dk  j.hansen@kommune.dk",
		"Søren Ærø Østergård → soes  soes@kommune.dk  soeren.oestergaard@kommune.dk",
		"Anne-Marie Bøgh → anbo  anbo@kommune.dk  annemarie.boegh@kommune.dk",
		// The sample's replacements make ü a plain u.
		"Jürgen Müller → jumu  jumu@kommune.dk  jurgen.muller@kommune.dk",
		// pikr holds a forbidden word.
		"Pia Kristensen → pkri  pkri@kommune.dk  pia.kristensen@kommune.dk",
	), out)
	assert.Empty(t, errOut)
	assert.Equal(t, 0, status)
}

func TestUsernameExplain(t *testing.T) {
	out, _, status := sample("--explain", "Jens Hansen", "Søren Ærø Østergård", "Pia Kristensen", "Åse Lund")
	assert.Equal(t, lines(
		"Jens Hansen → jhan  jhan@kommune.dk  j.hansen@kommune.dk",
		`  split: given names "Jens", surname "Hansen"`,
		"  rejected jeha (username): taken in taken list by taken.txt:3",
		"  rejected jens.hansen (e-mail): taken in taken list by taken.txt:6",
		"Søren Ærø Østergård → soes  soes@kommune.dk  soeren.oestergaard@kommune.dk",
		`  split: given names "Søren Ærø", surname "Østergård"`,
		"  rejected sooe (username): taken in taken list by taken.txt:4",
		"Pia Kristensen → pkri  pkri@kommune.dk  pia.kristensen@kommune.dk",
		`  split: given names "Pia", surname "Kristensen"`,
		"  rejected pikr (username): contains a forbidden word",
		"Åse Lund → aalu  aalu@kommune.dk  aase.lund@kommune.dk",
		`  split: given names "Åse", surname "Lund"`,
	), out)
	assert.Equal(t, 0, status)
}

func TestUsernameSameNameTwice(t *testing.T) {
	out, _, status := sample("--explain", "Jens Hansen", "Jens Hansen")
	assert.Equal(t, lines(
		"Jens Hansen → jhan  jhan@kommune.dk  j.hansen@kommune.dk",
		`  split: given names "Jens", surname "Hansen"`,
		"  rejected jeha (username): taken in taken list by taken.txt:3",
		"  rejected jens.hansen (e-mail): taken in taken list by taken.txt:6",
		"Jens Hansen → jenh  jenh@kommune.dk  jens.h@kommune.dk",
		`  split: given names "Jens", surname "Hansen"`,
		"  rejected jeha (username): taken in taken list by taken.txt:3",
		"  rejected jhan (username): taken in taken list by this run (argument 1)",
		"  rejected jens.hansen (e-mail): taken in taken list by taken.txt:6",
		"  rejected j.hansen (e-mail): taken in taken list by this run (argument 1)",
	), out)
	assert.Equal(t, 0, status)
}

func TestUsernameSplitting(t *testing.T) {
	out, _, status := sample("Hansen, Jens Peter", "Jens Peter|van der Berg", "  Jens   Peter  Hansen ", "Madsen")
	assert.Equal(t, lines(
		"Hansen, Jens Peter → jhan  jhan@kommune.dk  j.hansen@kommune.dk",
		"Jens Peter|van der Berg → jeva  jeva@kommune.dk  jens.vanderberg@kommune.dk",
		"Jens   Peter  Hansen → jenh  jenh@kommune.dk  jens.h@kommune.dk",
		// One word is a surname: no pattern without F fits it.
		"Madsen → error: username: every candidate is taken or forbidden: no username among 0 candidates; no pattern fits this name (a part it needs is missing or too short); add patterns or a suffix base",
	), out)
	assert.Equal(t, 1, status)

	for _, tc := range []struct{ in, given, surname string }{
		{"Jens Peter Hansen", "Jens Peter", "Hansen"},
		{"Hansen, Jens Peter", "Jens Peter", "Hansen"},
		{"Møller-Hansen,Anne", "Anne", "Møller-Hansen"},
		{"Jens Peter|van der Berg", "Jens Peter", "van der Berg"},
		{" Jens \t Peter | van  der Berg ", "Jens Peter", "van der Berg"},
		{"van der Berg, Jens", "Jens", "van der Berg"},
		{"Madsen", "", "Madsen"},
		{"   ", "", ""},
	} {
		n, err := splitName(tc.in)
		if assert.NoError(t, err, tc.in) {
			assert.Equal(t, tc.given, n.GivenNames, tc.in)
			assert.Equal(t, tc.surname, n.Surname, tc.in)
		}
	}
	for in, want := range map[string]error{
		"Hansen, Jens, Peter": errTwoSeparators, "Jens|van|Berg": errTwoSeparators,
		"Berg, Jens|Peter": errTwoSeparators, "Jens|": errEmptySide, ", Jens": errEmptySide,
	} {
		_, err := splitName(in)
		assert.ErrorIs(t, err, want, in)
	}
}

func TestUsernameFailuresDoNotStopTheRun(t *testing.T) {
	out, errOut, status := sample("Γιώργος Παπαδόπουλος", "Jens Hansen", "Hansen, Jens, Peter", "")
	assert.Equal(t, lines(
		"Γιώργος Παπαδόπουλος → error: username: the name has no Latin letters (name)",
		"Jens Hansen → jhan  jhan@kommune.dk  j.hansen@kommune.dk",
		"Hansen, Jens, Peter → error: the name has more than one comma or |",
		" → error: username: the name is empty (name)",
	), out)
	assert.Empty(t, errOut)
	assert.Equal(t, 1, status)
}

func TestUsernameJSON(t *testing.T) {
	out, _, status := sample("--json", "Jens Hansen", "--explain", "Γιώργος Παπαδόπουλος", "Jens Peter|van der Berg")
	assert.Equal(t, 1, status)
	var got []map[string]any
	for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(l), &m), l)
		got = append(got, m)
	}
	require.Len(t, got, 3)
	assert.Equal(t, map[string]any{
		"name": "Jens Hansen", "given_names": "Jens", "surname": "Hansen",
		"username": "jhan", "upn": "jhan@kommune.dk", "mail": "j.hansen@kommune.dk",
		"rejected": []any{
			map[string]any{"for": "username", "candidate": "jeha", "reason": "taken in taken list by taken.txt:3"},
			map[string]any{"for": "e-mail", "candidate": "jens.hansen", "reason": "taken in taken list by taken.txt:6"},
		},
	}, got[0])
	assert.Equal(t, map[string]any{
		"name": "Γιώργος Παπαδόπουλος", "given_names": "Γιώργος", "surname": "Παπαδόπουλος",
		"username": "", "upn": "", "mail": "", "rejected": []any{},
		"error": "username: the name has no Latin letters (name)", "error_kind": "no-latin-letters",
	}, got[1])
	assert.Equal(t, "van der Berg", got[2]["surname"])
	assert.Equal(t, "jeva", got[2]["username"])
	assert.Equal(t, []any{}, got[2]["rejected"])
}

func TestUsernameExhausted(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "rules.json")
	require.NoError(t, os.WriteFile(cfg, []byte(`{"patterns": ["FL", "FFL"], "forbidden": ["jeh"]}`), 0o600))
	taken := filepath.Join(dir, "ad-export.txt")
	require.NoError(t, os.WriteFile(taken, []byte("JH\r\n  # not a comment: indented\n"), 0o600))
	out, _, status := orgsync("username", "--config", cfg, "--taken", taken, "--explain", "--json", "Jens Hansen")
	assert.Equal(t, 1, status)
	var got nameLine
	require.NoError(t, json.Unmarshal([]byte(out), &got))
	assert.Equal(t, "exhausted", got.ErrorKind)
	assert.Contains(t, got.Error, "no username among 2 candidates")
	assert.Equal(t, []rejection{
		{For: "username", Candidate: "jh", Reason: "taken in taken list by ad-export.txt:1"},
		{For: "username", Candidate: "jeh", Reason: "a forbidden name"},
	}, got.Rejected)
}

func TestUsernameConfigFormats(t *testing.T) {
	dir := t.TempDir()
	for name, text := range map[string]string{
		"rules.json": `{"patterns": ["FFLL"], "surname": "last"}`,
		"rules.yml":  "patterns: [FFLL]\nsurname: last\n",
		"rules.conf": "patterns: [FFLL]\nsurname: last\n", // neither: JSON, then YAML
		"rules":      `{"patterns": ["FFLL"], "surname": "last"}`,
	} {
		path := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(path, []byte(text), 0o600))
		out, errOut, status := orgsync("username", "--config", path, "Anne Møller-Hansen")
		assert.Equal(t, "Anne Møller-Hansen → anha\n", out, name)
		assert.Empty(t, errOut, name)
		assert.Equal(t, 0, status, name)
	}
}

func TestUsernameBadConfig(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct{ name, text, want string }{
		{"broken.yaml", "patterns: [FFLL\nmax_length: 20\n", "did not find expected ',' or ']'"},
		{"typo.yaml", "patterns: [FFLL]\nmax_lenght: 20\n", "line 2: field max_lenght not found"},
		{"typo.json", `{"patterns": ["FFLL"], "mail_domian": "kommune.dk"}`, `unknown field "mail_domian"`},
		{"pattern.yaml", "patterns: [FFLL, FQ]\n", `pattern "FQ": "Q" is not one of F, 1, 2, 3, L, X`},
		{"domain.yaml", "patterns: [FL]\nupn_domain: kommune dk\n", `upn_domain "kommune dk" is not a domain name`},
		{"surname.yaml", "patterns: [FL]\nsurname: middle\n", `surname rule "middle" is not whole, first or last`},
		{"nothing.yaml", "max_length: 12\n", "no patterns and no suffix_base"},
		{"empty.yaml", "", "the file is empty"},
		{"two.yaml", "patterns: [FL]\n---\npatterns: [FFL]\n", "more than one YAML document"},
		{"garbage.cfg", "{patterns: [", "neither JSON"},
	} {
		path := filepath.Join(dir, tc.name)
		require.NoError(t, os.WriteFile(path, []byte(tc.text), 0o600))
		out, errOut, status := orgsync("username", "--config", path, "Jens Hansen")
		assert.Equal(t, 2, status, tc.name)
		assert.Empty(t, out, tc.name)
		assert.Contains(t, errOut, "orgsync username: config "+path+":", tc.name)
		assert.Contains(t, errOut, tc.want, tc.name)
	}
	// Every problem Validate finds is reported, one a line.
	_, errOut, _ := orgsync("username", "--config", filepath.Join(dir, "domain.yaml"), "x")
	_, errOut2, _ := orgsync("username", "--config", filepath.Join(dir, "pattern.yaml"), "x")
	assert.Contains(t, errOut+errOut2, ":\n  username: ")
}

func TestUsernameBadTakenFile(t *testing.T) {
	out, errOut, status := orgsync("username", "--config", "testdata/username.yaml", "--taken", "testdata/missing.txt", "Jens Hansen")
	assert.Equal(t, 2, status)
	assert.Empty(t, out)
	assert.Equal(t, "orgsync username: taken names: open testdata/missing.txt: no such file or directory\n", errOut)

	bad := filepath.Join(t.TempDir(), "taken.txt")
	require.NoError(t, os.WriteFile(bad, []byte("jeha\n\njens hansen\n"), 0o600))
	_, errOut, status = orgsync("username", "--config", "testdata/username.yaml", "--taken", bad, "Jens Hansen")
	assert.Equal(t, 2, status)
	assert.Contains(t, errOut, bad+":3: not a name")
}

func TestUsage(t *testing.T) {
	out, errOut, status := orgsync()
	assert.Equal(t, 2, status)
	assert.Empty(t, out)
	assert.Contains(t, errOut, "usage: orgsync <command>")
	assert.Contains(t, errOut, "  username   show the usernames")

	out, _, status = orgsync("help")
	assert.Equal(t, 0, status)
	assert.Contains(t, out, "usage: orgsync <command>")

	_, errOut, status = orgsync("usrname")
	assert.Equal(t, 2, status)
	assert.Contains(t, errOut, `unknown command "usrname"`)

	_, errOut, status = orgsync("username", "Jens Hansen")
	assert.Equal(t, 2, status)
	assert.Equal(t, "orgsync username: --config FILE (the username rules) or --sync-config FILE (the sync's) is required (see -h)\n", errOut)

	_, errOut, status = orgsync("username", "--config", "testdata/username.yaml")
	assert.Equal(t, 2, status)
	assert.Contains(t, errOut, "no names given")

	_, errOut, status = orgsync("username", "--cnofig", "x", "Jens Hansen")
	assert.Equal(t, 2, status)
	assert.Contains(t, errOut, "flag provided but not defined: -cnofig")

	_, errOut, status = orgsync("username", "-h")
	assert.Equal(t, 0, status)
	for _, want := range []string{"--config FILE", "the last word is the surname", "(\"Hansen, Jens Peter\")", "\"Jens Peter|van der Berg\""} {
		assert.Contains(t, strings.ToLower(errOut), strings.ToLower(want))
	}
}

func TestUsernameFlagsAnywhere(t *testing.T) {
	a, _, _ := orgsync("username", "Jens Hansen", "--config", "testdata/username.yaml", "--json")
	b, _, _ := orgsync("username", "--json", "--config", "testdata/username.yaml", "Jens Hansen")
	assert.Equal(t, b, a)
	assert.Contains(t, a, `"username":"jeha"`)
	// After --, everything is a name.
	out, _, _ := orgsync("username", "--config", "testdata/username.yaml", "--", "Jens Hansen", "--json")
	assert.Equal(t, "Jens Hansen → jeha  jeha@kommune.dk  jens.hansen@kommune.dk\n--json → error: username: every candidate is taken or forbidden: no username among 0 candidates; no pattern fits this name (a part it needs is missing or too short); add patterns or a suffix base\n", out)
}

// FuzzSplitName checks that splitting never panics, keeps every word,
// and never leaves a separator or stray space in a part.
func FuzzSplitName(f *testing.F) {
	for _, s := range []string{"Jens Peter Hansen", "Hansen, Jens", "Jens|van der Berg", "a,b|c", " , ", "|", "Søren\tÆrø  Østergård"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := splitName(s)
		if err != nil {
			return
		}
		for _, p := range []string{n.GivenNames, n.Surname} {
			if strings.ContainsAny(p, "|,") || p != strings.Join(strings.Fields(p), " ") {
				t.Fatalf("splitName(%q) = %q", s, n)
			}
		}
		words := strings.Fields(strings.NewReplacer("|", " ", ",", " ").Replace(s))
		got := append(strings.Fields(n.GivenNames), strings.Fields(n.Surname)...)
		slices.Sort(words)
		slices.Sort(got)
		if !slices.Equal(words, got) {
			t.Fatalf("splitName(%q) = %q: words lost or added", s, n)
		}
		if len(words) > 0 && n.Surname == "" {
			t.Fatalf("splitName(%q) has no surname", s)
		}
	})
}

// A name with an escape, a line break, NUL, invalid UTF-8 or a bidi
// override is refused with its own error kind, and the output never
// passes the character through: one line a name, nothing for the terminal
// to obey.
func TestUsernameRefusesControlAndInvisibleCharacters(t *testing.T) {
	bad := []string{"Anne \x1b[2J\x1b[31mHansen", "Anne\nHansen", "Anne Han\x00sen", "Anne Hansen\xff", "Anne \u202eHansen", "An\u200bne Hansen"}
	out, errOut, status := sample(bad...)
	assert.Equal(t, 1, status, errOut)
	assert.NotContains(t, out, "\x1b")
	assert.NotContains(t, out, "\x00")
	assert.NotContains(t, out, "\u202e")
	assert.NotContains(t, out, "\u200b")
	assert.True(t, utf8.ValidString(out))
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	assert.Len(t, lines, len(bad), "one line a name")
	for _, l := range lines {
		assert.Contains(t, l, "→ error: username: the name holds control or invisible format characters")
	}

	out, _, status = sample(append([]string{"--json"}, bad...)...)
	assert.Equal(t, 1, status)
	for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		var got nameLine
		require.NoError(t, json.Unmarshal([]byte(l), &got))
		assert.Equal(t, "bad-text", got.ErrorKind)
	}

	out, errOut, status = sample("Mehr\u200cdad Ahmadi")
	assert.Equal(t, 0, status, errOut+out)
}
