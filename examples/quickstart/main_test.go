package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/orgsync/orgsync/internal/adtest"
)

func TestMain(m *testing.M) { os.Exit(adtest.Main(m)) }

// checkStory checks the story's report, whatever directory told it.
func checkStory(t *testing.T, out string) {
	t.Helper()
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`capabilities: Creator, Modifier, Mover, Deleter, Enabler, PasswordSetter, GroupManager, ChangeReader`),
		regexp.MustCompile(`(?m)^  Åse Lund, \(vikar\) +qs\w+2 +enabled, in Teknik og Miljø$`),
		regexp.MustCompile(`mover: Søren Ærø-Østergård is now CN=Søren Ærø-Østergård,OU=Teknik og Miljø,`),
		regexp.MustCompile(`leaver: Karina Jensen is disabled and held at CN=Karina Jensen,OU=Kapel,`),
		regexp.MustCompile(`a second account named qs\w+0 is refused: .*already exists`),
		regexp.MustCompile(`(?m)^  changed CN=Karina Jensen,OU=Kapel,`),
		regexp.MustCompile(`(?m)^  changed CN=Søren Ærø-Østergård,OU=Teknik og Miljø,`),
		regexp.MustCompile(`(?m)^disabled accounts:\n  qs\w+0 \(CN=Karina Jensen,OU=Kapel,[^\n]*\)\n?$`),
	} {
		if !want.MatchString(out) {
			t.Errorf("the report lacks %s\n%s", want, out)
		}
	}
	// Only Karina is left in the group: Søren moved out of it.
	group := out[strings.Index(out, "group Borgerservice-alle:"):strings.Index(out, "disabled accounts:")]
	if strings.Count(group, "CN=") != 1 || !strings.Contains(group, "Karina Jensen") {
		t.Errorf("group members:\n%s", group)
	}
	if strings.Contains(out, "cleanup:") {
		t.Errorf("cleanup failed:\n%s", out)
	}
}

func TestStoryInMemory(t *testing.T) {
	var out bytes.Buffer
	if err := start(context.Background(), "", "", false, &out); err != nil {
		t.Fatal(err)
	}
	checkStory(t, out.String())
}

func TestStoryOnSamba(t *testing.T) {
	s := adtest.Start(t)
	ou := s.NewOU(t)
	cfg := map[string]any{
		"url": s.LDAPSURL(), "ca_file": s.CAFile, "server_name": adtest.Hostname,
		"bind_dn": adtest.AdminUPN, "bind_password": adtest.AdminPassword,
	}
	path := filepath.Join(t.TempDir(), "ad.json")
	data, _ := json.Marshal(cfg)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var out bytes.Buffer
	if err := start(ctx, path, ou, false, &out); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	checkStory(t, out.String())
	if !strings.Contains(out.String(), "directory: Active Directory at ldaps://") {
		t.Error(out.String())
	}
}

func TestBadConfiguration(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"url": "ldaps://dc", "bind_dn": "x", "bind_pasword": "typo"}`), 0o600)
	for _, tc := range []struct{ file, base, want string }{
		{bad, "OU=x,DC=y", "unknown field"},
		{filepath.Join(dir, "missing.json"), "OU=x,DC=y", "no such file"},
		{bad, "", "-ad needs -base"},
	} {
		err := start(context.Background(), tc.file, tc.base, false, &bytes.Buffer{})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("start(%s, %q) = %v, want an error saying %q", tc.file, tc.base, err, tc.want)
		}
	}
}
