package service

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/connectors/payrollfile"
	"github.com/orgsync/orgsync/internal/smtptest"
	"github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// smallPayroll is a payroll of a school with a leader in its "_leder"
// unit and a teacher, from 2020 on.
func smallPayroll() *connectors.PayrollSnapshot {
	since := timeline.Since(timeline.MustDate(2020, 1, 1))
	return &connectors.PayrollSnapshot{
		Units: []connectors.PayrollUnit{
			{Key: "ROOT", Name: "Sjølund Kommune", Level: "NY7-niveau", Valid: since},
			{Key: "SKOLE", Parent: "ROOT", Name: "Skolen ved Søen", Level: "NY3-niveau", Valid: since},
			{Key: "LEDER", Parent: "SKOLE", Name: "Skolen ved Søen_leder", Level: "Afdelings-niveau", Valid: since},
		},
		Persons: []connectors.PayrollPerson{
			{Key: "P1", NationalID: "0101801234", GivenNames: "Åse", Surname: "Østergård", Valid: since},
			{Key: "P2", NationalID: "0202802345", GivenNames: "Bjørn", Surname: "Ærø", Valid: since},
		},
		Engagements: []connectors.PayrollEngagement{
			{Key: "1001", Person: "P1", Unit: "LEDER", JobFunction: "Skoleleder", Valid: since},
			{Key: "1002", Person: "P2", Unit: "SKOLE", JobFunction: "Lærer", Valid: since},
		},
	}
}

// A payroll source is imported on its schedule, the org rules run after
// it (the "_leder" member manages the school), the accounts reach the
// directory, and the mail rules' notices go out over SMTP with STARTTLS.
func TestSourceRulesAndMail(t *testing.T) {
	dir := t.TempDir()
	deliveries := filepath.Join(dir, "sd")
	require.NoError(t, os.Mkdir(deliveries, 0o700))
	require.NoError(t, payrollfile.Write(deliveries, timeline.MustDate(2026, 1, 5), smallPayroll()))
	writeFile(t, dir, "rules.yaml", `
leder:
  enabled: true
  suffix: _leder
  manager_type: Leder
`)
	smtpd := smtptest.Start(t, smtptest.Options{})
	host, port, _ := net.SplitHostPort(smtpd.Addr)
	cfg := fmt.Sprintf(`
store: {url: orgsync.db}
directory: {twin: true}
sync:
  base: OU=Kommune,DC=example,DC=org
  mapping:
    attributes:
      sn: "{{.Person.Surname}}"
      manager: "{{.ManagerDN}}"
  ou: {mode: single, single: "OU=Kommune,DC=example,DC=org"}
username: {patterns: [FFLL, FFLLX], suffix_base: FFLL, suffix_max: 99}
rules: rules.yaml
sources:
  - name: sd
    kind: file
    every: 1h
    connector: {dir: sd}
mail:
  smtp: {host: %s, port: %s, ca_file: %s, auth: plain, username: %s, password: {env: SMTP_PW}}
  notify:
    from: {name: Sjølund Kommune, addr: orgsync@sjolund.dk}
    rules:
      - name: ny-medarbejder
        trigger: person-created
        to: {addresses: [personale@sjolund.dk]}
`, host, port, smtpd.CAFile, smtptest.User)
	c, err := Parse(writeFile(t, dir, "serve.yaml", cfg), []byte(cfg))
	require.NoError(t, err)
	s, _ := started(t, c, Options{Getenv: func(k string) string {
		return map[string]string{"SMTP_PW": smtptest.Password}[k]
	}})
	waitFor(t, "the import", func() bool { return jobOK(s, "source sd") })
	for _, j := range s.Status() {
		if j.Job == "source sd" {
			assert.Contains(t, j.Summary, "7 created")
			assert.Contains(t, j.Summary, "the org rules changed 1 object(s), 0 conflict(s)")
			assert.NotContains(t, j.Summary, "0101801234")
		}
	}
	school := orgmodel.SourceID("sd", orgmodel.KindUnit, "SKOLE")
	g := s.Model().Latest().At(s.zone.Date(time.Now()))
	ms := g.Managers(school, orgmodel.ManagerQuery{})
	require.Len(t, ms, 1, "the org rules gave the school its manager role")
	assert.Equal(t, "rules/leder", ms[0].Source)
	assert.Equal(t, "Leder", ms[0].Type)
	// The first import was the initial load: nobody was mailed about it.
	// The next delivery's hire is news.
	next := smallPayroll()
	next.Persons = append(next.Persons, connectors.PayrollPerson{Key: "P3", NationalID: "0303803456", GivenNames: "Çağla", Surname: "Øby",
		Valid: timeline.Since(timeline.MustDate(2026, 1, 6))})
	next.Engagements = append(next.Engagements, connectors.PayrollEngagement{Key: "1003", Person: "P3", Unit: "SKOLE", JobFunction: "Lærer",
		Valid: timeline.Since(timeline.MustDate(2026, 1, 6))})
	require.NoError(t, payrollfile.Write(deliveries, timeline.MustDate(2026, 1, 6), next))
	assert.Empty(t, smtpd.Received(), "no notices for the initial load")
	require.NoError(t, s.ImportNow("sd"))
	require.ErrorIs(t, s.ImportNow("opus"), ErrNoSource)
	waitFor(t, "the hire's notice", func() bool { return len(smtpd.Received()) >= 1 })
	m := smtpd.Received()[0]
	assert.True(t, m.TLS, "STARTTLS")
	assert.Equal(t, []string{"personale@sjolund.dk"}, m.To)
	assert.NotContains(t, string(m.Data), "0303803456", "no CPR in a mail")
	time.Sleep(200 * time.Millisecond)
	assert.Len(t, smtpd.Received(), 1, "one notice: the hire")
}
