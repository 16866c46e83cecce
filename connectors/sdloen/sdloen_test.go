package sdloen_test

import (
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/connectors/sdloen"
	"github.com/orgsync/orgsync/connectors/sdloen/sdtest"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

var (
	d     = timeline.MustParseDate
	since = timeline.Since
	btw   = timeline.Between
)

func TestSnapshot(t *testing.T) {
	c, srv, _ := open(t, municipality())
	snap, err := c.Snapshot(ctxT(t))
	require.NoError(t, err)
	require.NoError(t, connectors.CheckPayroll(snap))

	assert.Equal(t, []connectors.PayrollUnit{
		{Key: "HJ", Name: "Hjørring Kommune", Level: "NY5-niveau", Valid: since(d("2007-01-01"))},
		{Key: "SKOL", Parent: "HJ", Name: "Skoler", Level: "NY3-niveau", Valid: btw(d("2007-01-01"), d("2026-03-01"))},
		{Key: "SKOL", Parent: "HJ", Name: "Skoler og Dagtilbud", Level: "NY3-niveau", Valid: since(d("2026-03-01"))},
		{Key: "SØ1", Parent: "SKOL", Name: "Søskolen", Level: "Afdelings-niveau", Valid: since(d("2010-01-01"))},
		{Key: "SØ1L", Parent: "SØ1", Name: "Søskolen_leder", Level: "Afdelings-niveau", Valid: since(d("2010-01-01"))},
		{Key: "ÆLD", Parent: "HJ", Name: "Ældreplejen Øst", Level: "Afdelings-niveau", Valid: since(d("2007-01-01"))},
	}, snap.Units, "the _leder unit is a unit like the others; a rename is two rows")

	assert.Equal(t, []connectors.PayrollEngagement{
		{Key: "01001", Person: "0101901234", Unit: "SØ1", JobFunction: "Lærer", Type: "Månedsløn", Fraction: 1, Valid: btw(d("2010-08-01"), d("2024-08-01"))},
		{Key: "01001", Person: "0101901234", Unit: "SØ1L", JobFunction: "Skoleleder", Type: "Månedsløn", Fraction: 1, Valid: since(d("2024-08-01"))},
		{Key: "01002", Person: "0202922345", Unit: "ÆLD", JobFunction: "Social- og sundhedsassistent", Type: "Månedsløn", Valid: since(d("2026-12-01"))},
		{Key: "01007", Person: "0303933456", Unit: "SØ1", Type: "Månedsløn", Valid: since(d("2016-01-01"))},
		{Key: "98001", Person: "0101901234", Unit: "ÆLD", JobFunction: "Vikar", Type: "Timeløn", Fraction: 0.37, Valid: btw(d("2020-01-01"), d("2025-07-01"))},
	}, snap.Engagements, "status 0 is an engagement (the hire next month), 8 ends it, 3 keeps it; S is gone")
	assert.Equal(t, []connectors.PayrollLeave{
		{Key: "01001/2024-03-01", Engagement: "01001", Type: sdloen.LeaveType, Valid: btw(d("2024-03-01"), d("2024-09-01"))},
	}, snap.Leaves)
	require.Len(t, snap.Persons, 3)
	assert.Equal(t, connectors.PayrollPerson{Key: "0101901234", NationalID: "0101901234", GivenNames: "Karina", Surname: "Jensen-Østergård", Valid: since(d("2010-08-01"))}, snap.Persons[0])
	assert.Equal(t, "Ønskeløs", snap.Persons[2].Surname, "an empty given name is no given name")

	type where struct{ kind, key, field string }
	got := map[where]string{}
	for _, s := range snap.Skipped {
		got[where{s.Kind, s.Key, s.Field}] = s.Problem
		assert.NotContains(t, s.String(), "0303933456", "a CPR number is masked")
	}
	for _, w := range []where{
		{"department", "BAD", "ActivationDate"},
		{"department", "NONAME", "DepartmentName"},
		{"employment", "01003", "WorkingTime.OccupationRate"},
		{"employment", "01004", "EmploymentDepartment"},
		{"employment", "01006", "EmploymentStatus.EmploymentStatusCode"},
		{"employment", "01008", "EmploymentDepartment"},
		{"employment", "01009", "EmploymentDepartment.ActivationDate"},
		{"employment", "01010", "EmploymentIdentifier"},
	} {
		assert.Contains(t, got, w, "skipped and reported: %v", w)
	}
	assert.Len(t, snap.Skipped, 8, "%v", snap.Skipped)
	assert.True(t, strings.HasPrefix(string(snap.Token), "sdloen/1:2026-11-22T07:30:"), snap.Token)

	// The queries are SD's.
	for _, u := range srv.Requests() {
		q := u.Query()
		assert.Equal(t, "XY", q.Get("InstitutionIdentifier"))
		switch {
		case strings.HasSuffix(u.Path, "GetEmployment20111201"), strings.HasSuffix(u.Path, "GetPerson20111201"):
			assert.Equal(t, "22.11.2026", q.Get("EffectiveDate"))
			assert.Equal(t, "true", q.Get("StatusPassiveIndicator"), "passive employments too")
		case strings.HasSuffix(u.Path, "GetDepartment20111201"), strings.HasSuffix(u.Path, "GetOrganization20111201"):
			assert.Equal(t, "01.01.1970", q.Get("ActivationDate"))
			assert.Equal(t, "31.12.9999", q.Get("DeactivationDate"))
		default:
			t.Errorf("unexpected call %s", u.Path)
		}
	}
}

func TestChanges(t *testing.T) {
	data := municipality()
	c, srv, clk := open(t, data)
	ctx := ctxT(t)
	snap, err := c.Snapshot(ctx)
	require.NoError(t, err)

	page, err := c.Changes(ctx, snap.Token)
	require.NoError(t, err)
	assert.Empty(t, page.Units)
	assert.Empty(t, page.Engagements)
	assert.Empty(t, page.Deleted)

	// Karina leaves the school on 2027-01-31 (registered now); Søren's
	// hire is deleted (S).
	clk.Add(time.Hour)
	reg := clk.Now()
	data = municipality()
	k := &data.Persons[0].Employments[0]
	k.Registered = reg
	k.Statuses[3].To = "2027-01-31"
	k.Statuses = append(k.Statuses, sdtest.Part{From: "2027-02-01", To: open9999, Value: "8"})
	s := &data.Persons[1].Employments[0]
	s.Registered = reg
	s.Statuses = []sdtest.Part{{From: "2026-12-01", To: open9999, Value: "S"}}
	srv.SetData(data)
	clk.Add(time.Minute)

	page, err = c.Changes(ctx, page.Token)
	require.NoError(t, err)
	require.NoError(t, connectors.CheckPayrollChanges(page))
	require.Len(t, page.Engagements, 2, "the changed employment, with all its rows")
	assert.Equal(t, d("2027-02-01"), page.Engagements[1].Valid.To)
	assert.Contains(t, page.Deleted, connectors.PayrollRef{Kind: connectors.PayrollEngagementKind, Key: "01002"})
	assert.Contains(t, page.Deleted, connectors.PayrollRef{Kind: connectors.PayrollPersonKind, Key: "0202922345"}, "a person with no engagement left is gone")
	snap.Apply(page)
	again, err := c.Snapshot(ctx)
	require.NoError(t, err)
	snap.Token, again.Token = "", ""
	snap.Skipped, again.Skipped = nil, nil
	assert.Equal(t, again, snap, "the snapshot with the page applied is the new snapshot")

	var asked bool
	for _, u := range srv.Requests() {
		if strings.HasSuffix(u.Path, "GetEmploymentChangedAtDate20111201") {
			q := u.Query()
			if q.Get("DeactivationTime") == "08:31" {
				asked = true
				assert.Equal(t, "22.11.2026", q.Get("ActivationDate"))
				assert.Equal(t, "07:30", q.Get("ActivationTime"), "from the token's minute")
				assert.Equal(t, "true", q.Get("FutureInformationIndicator"))
			}
		}
	}
	assert.True(t, asked, "SD is asked from the token's minute (Copenhagen time)")
}

// A token from before a restart (another connector) falls back to SD's
// own account of what changed.
func TestChangesAfterRestart(t *testing.T) {
	data := municipality()
	c, srv, clk := open(t, data)
	ctx := ctxT(t)
	snap, err := c.Snapshot(ctx)
	require.NoError(t, err)

	clk.Add(time.Hour)
	data = municipality()
	data.Persons[1].Employments[0].Registered = clk.Now()
	data.Persons[1].Employments[0].Statuses = []sdtest.Part{{From: "2026-12-01", To: open9999, Value: "S"}}
	srv.SetData(data)

	fresh, err := sdloen.Open(sdloen.Config{URL: srv.URL, Institution: "XY", User: "SYtest", Password: "hemmeligt æøå", RootCAs: rootCAs(srv), Logger: discard, Now: clk.Now})
	require.NoError(t, err)
	defer fresh.Close()
	page, err := fresh.Changes(ctx, snap.Token)
	require.NoError(t, err)
	assert.Equal(t, []connectors.PayrollRef{{Kind: connectors.PayrollEngagementKind, Key: "01002"}}, page.Deleted)
	assert.Len(t, page.Units, len(snap.Units), "every unit")
}

// SD down gives Transient and the token is kept; the next call resumes.
func TestOutageResumes(t *testing.T) {
	data := municipality()
	c, srv, clk := open(t, data)
	ctx := ctxT(t)
	snap, err := c.Snapshot(ctx)
	require.NoError(t, err)

	clk.Add(10 * time.Minute)
	data = municipality()
	data.Persons[2].Employments[4].Registered = clk.Now()
	data.Persons[2].Employments[4].Professions = []sdtest.Part{{From: "2016-01-01", To: open9999, Value: "Pædagog"}}
	srv.SetData(data)

	srv.SetOverride("GetEmploymentChangedAtDate20111201", sdtest.Override{Status: http.StatusServiceUnavailable, Body: "<html>Service Unavailable</html>"})
	_, err = c.Changes(ctx, snap.Token)
	require.ErrorIs(t, err, connectors.Transient)
	srv.ClearOverride("GetEmploymentChangedAtDate20111201")

	url := srv.URL
	srv.Close()
	_, err = c.Changes(ctx, snap.Token)
	require.ErrorIs(t, err, connectors.Transient, "server down")

	srv2 := sdtest.NewTLS("XY", "SYtest", "pw")
	defer srv2.Close()
	srv2.SetData(data)
	c2, err := sdloen.Open(sdloen.Config{URL: srv2.URL, Institution: "XY", User: "SYtest", Password: "pw", RootCAs: rootCAs(srv2), Logger: discard, Now: clk.Now})
	require.NoError(t, err)
	defer c2.Close()
	_ = url
	page, err := c2.Changes(ctx, snap.Token)
	require.NoError(t, err, "the token resumes against SD back up")
	require.Len(t, page.Engagements, 1)
	assert.Equal(t, "Pædagog", page.Engagements[0].JobFunction)
}

func TestErrorKinds(t *testing.T) {
	ctx := ctxT(t)
	for _, tc := range []struct {
		name string
		o    sdtest.Override
		kind connectors.Kind
	}{
		{"503", sdtest.Override{Status: 503, Body: "down for maintenance"}, connectors.Transient},
		{"500 without a fault", sdtest.Override{Status: 500}, connectors.Transient},
		{"server fault", sdtest.Override{Status: 500, Body: fault("env:Server", "Internal error")}, connectors.Transient},
		{"login fault", sdtest.Override{Status: 500, Body: fault("env:Client", "Wrong user name or password")}, connectors.Configuration},
		{"parameter fault", sdtest.Override{Status: 500, Body: fault("env:Client", "The stated InstitutionIdentifier ZZ does not exist")}, connectors.Configuration},
		{"fault with 200", sdtest.Override{Body: fault("soap:Client", "The parameter EffectiveDate is not valid")}, connectors.Configuration},
		{"a login page", sdtest.Override{Body: "<html><body>Log ind</body></html>"}, connectors.Configuration},
		{"cut short", sdtest.Override{Body: `<GetOrganization20111201><Organization><ActivationDate>2020`}, connectors.Transient},
		{"404", sdtest.Override{Status: 404, Body: "not found"}, connectors.Configuration},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, srv, _ := open(t, municipality())
			srv.SetOverride("GetOrganization20111201", tc.o)
			err := c.Ping(ctx)
			require.ErrorIs(t, err, tc.kind, "%v", err)
			var e *connectors.Error
			require.True(t, errors.As(err, &e))
		})
	}

	t.Run("wrong password", func(t *testing.T) {
		_, srv, _ := open(t, municipality())
		c, err := sdloen.Open(sdloen.Config{URL: srv.URL, Institution: "XY", User: "SYtest", Password: "wrong", RootCAs: rootCAs(srv), Logger: discard})
		require.NoError(t, err)
		require.ErrorIs(t, c.Ping(ctx), connectors.Configuration)
	})
	t.Run("wrong institution", func(t *testing.T) {
		_, srv, _ := open(t, municipality())
		c, err := sdloen.Open(sdloen.Config{URL: srv.URL, Institution: "ZZ", User: "SYtest", Password: "hemmeligt æøå", RootCAs: rootCAs(srv), Logger: discard})
		require.NoError(t, err)
		err = c.Ping(ctx)
		require.ErrorIs(t, err, connectors.Configuration)
		assert.Contains(t, err.Error(), "InstitutionIdentifier ZZ does not exist")
	})
	t.Run("untrusted certificate", func(t *testing.T) {
		_, srv, _ := open(t, municipality())
		c, err := sdloen.Open(sdloen.Config{URL: srv.URL, Institution: "XY", User: "SYtest", Password: "hemmeligt æøå", Logger: discard})
		require.NoError(t, err)
		require.ErrorIs(t, c.Ping(ctx), connectors.Configuration)
	})
	t.Run("bad token", func(t *testing.T) {
		c, _, _ := open(t, municipality())
		for _, tok := range []connectors.Token{"", "garbage", "sdloen/1:2026-11-22T07:30:zz", "payrollfile/1:2026-11-22:3f2a9c0d51e4b786"} {
			_, err := c.Changes(ctx, tok)
			require.ErrorIs(t, err, connectors.Invalid, "%q", tok)
		}
	})
}

func fault(code, msg string) string {
	return `<?xml version="1.0"?><S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body><S:Fault><faultcode>` + code +
		`</faultcode><faultstring>` + msg + `</faultstring></S:Fault></S:Body></S:Envelope>`
}

func TestConfig(t *testing.T) {
	dir := t.TempDir()
	pwFile := filepath.Join(dir, "pw")
	require.NoError(t, os.WriteFile(pwFile, []byte("fra fil\n"), 0o600))
	ok := sdloen.Config{Institution: "XY", User: "SY1", PasswordFile: pwFile}
	require.NoError(t, ok.Validate())

	env := sdloen.Config{Institution: "XY", User: "SY1", PasswordEnv: "SD_PW", Getenv: func(k string) string {
		if k == "SD_PW" {
			return "fra miljø"
		}
		return ""
	}}
	require.NoError(t, env.Validate())

	bad := sdloen.Config{URL: "http://sd.example/", JobFunction: "Titel", Timeout: "soon", HistoryFrom: "1970", TimeZone: "Mars/Olympus", CAFile: filepath.Join(dir, "none.pem")}
	err := bad.Validate()
	require.ErrorIs(t, err, connectors.Configuration)
	for _, want := range []string{"https", "institution", "user", "no password", "ca_file", "timeout", "history_from", "job_function", "time_zone"} {
		assert.Contains(t, err.Error(), want, "every problem at once")
	}
	notPEM := filepath.Join(dir, "ca.pem")
	require.NoError(t, os.WriteFile(notPEM, []byte("nope"), 0o600))
	ok.CAFile = notPEM
	assert.ErrorContains(t, ok.Validate(), "holds no PEM certificate")
}

func TestJobFunctionFromPosition(t *testing.T) {
	_, srv, _ := open(t, municipality())
	c, err := sdloen.Open(sdloen.Config{URL: srv.URL, Institution: "XY", User: "SYtest", Password: "hemmeligt æøå", RootCAs: rootCAs(srv),
		JobFunction: sdloen.JobFromPosition, Logger: discard})
	require.NoError(t, err)
	snap, err := c.Snapshot(ctxT(t))
	require.NoError(t, err)
	assert.Equal(t, "1040", snap.Engagements[1].JobFunction)
	assert.Empty(t, snap.Engagements[0].Type, "no divide, no type")
}

func TestClosed(t *testing.T) {
	c, _, _ := open(t, municipality())
	require.NoError(t, c.Close())
	_, err := c.Snapshot(ctxT(t))
	require.Error(t, err)
	require.Error(t, c.Ping(ctxT(t)))
}
