package omada_test

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/intake"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

func day(s string) timeline.Date { return timeline.MustParseDate(s) }

// A poll of Frederikshavn's view in three pages: CPR numbers in both
// forms become ten digits, navigation objects and their categories are
// mapped, "" and null are no value, year 9999 and an empty VALIDTO are
// no end and the inclusive last day becomes the half-open end; an AD
// robot is a service account; the duplicate and the malformed records are
// skipped and listed with their page, key and field.
func TestFrederikshavnView(t *testing.T) {
	s, cfg := frederikshavnServer(t)
	var logs bytes.Buffer
	cfg.Logger = slog.New(slog.NewJSONHandler(&logs, nil))
	snap, err := open(t, cfg).Identities(ctxFor(t, time.Minute))
	require.NoError(t, err)
	assert.Equal(t, 3, s.Requests(), "three pages")

	want := []connectors.Identity{
		{Key: "a1c0f7e2-5b7d-4c1e-9a51-000000000001", NationalID: "0101901234", GivenNames: "Karina", Surname: "Sørensen", Unit: "123",
			JobTitle: "Vikar, pædagog", Category: "Vikar", Valid: timeline.Between(day("2026-01-05"), day("2026-07-01")),
			ObjectGUID: "3f2504e0-4f89-41d3-9a0c-0305e82c3301", Login: "kaso",
			Addresses: []connectors.IdentityAddress{{Type: "EMAIL", Value: "kaso@frederikshavn.dk"}, {Type: "MOBILE", Value: "+45 20 30 40 50"}}},
		{Key: "a1c0f7e2-5b7d-4c1e-9a51-000000000002", NationalID: "0202851234", GivenNames: "Åse Marie", Surname: "Ærø-Østergaard", Unit: "456",
			JobTitle: "Sygeplejerske", Category: "Medarbejder", Valid: timeline.Since(day("2019-08-01")),
			ObjectGUID: "9b2c1e3a-7d4f-4a6b-8c9d-0e1f2a3b4c5d", Login: "aaoe",
			Addresses: []connectors.IdentityAddress{{Type: "EMAIL", Value: "aase@frederikshavn.dk"}, {Type: "PHONE", Value: "98 45 50 00"}}},
		{Key: "a1c0f7e2-5b7d-4c1e-9a51-000000000004", GivenNames: "John", Surname: "Smith", JobTitle: "Konsulent", Category: "Ekstern konsulent",
			Valid:     timeline.Between(day("2026-03-01"), day("2027-01-01")),
			Addresses: []connectors.IdentityAddress{{Type: "EMAIL", Value: "john.smith@consult.example"}}},
		{Key: "a1c0f7e2-5b7d-4c1e-9a51-000000000010", NationalID: "0505779753", Surname: "Ødegård", Unit: "123", Valid: timeline.Since(day("2026-04-01"))},
	}
	assert.Equal(t, want, snap.Identities)
	assert.Equal(t, []connectors.ServiceAccount{{Key: "a1c0f7e2-5b7d-4c1e-9a51-000000000003", Unit: "123", Login: "svc-print",
		ObjectGUID: "0e9b1c2d-3a4b-4c5d-8e6f-7a8b9c0d1e2f", Valid: timeline.Since(day("2020-01-01"))}}, snap.ServiceAccounts)

	type skip struct{ where, key, field string }
	var got []skip
	for _, r := range snap.Skipped {
		got = append(got, skip{r.Where, r.Key, r.Field})
		assert.Equal(t, "identity", r.Kind)
		assert.NotEmpty(t, r.Problem)
	}
	assert.Equal(t, []skip{
		{"page 2, record 1", "a1c0f7e2-5b7d-4c1e-9a51-000000000005", "C_CPRNUMBER"},
		{"page 2, record 2", "a1c0f7e2-5b7d-4c1e-9a51-000000000001", "UId"},
		{"page 2, record 3", "a1c0f7e2-5b7d-4c1e-9a51-000000000007", "VALIDFROM"},
		{"page 2, record 4", "", ""},
		{"page 3, record 1", "a1c0f7e2-5b7d-4c1e-9a51-000000000009", "C_OBJECTGUID_I_AD"},
	}, got)
	assert.Contains(t, snap.Skipped[1].Problem, "page 1, record 1", "the duplicate names the record kept")

	for _, text := range []string{logs.String(), skippedText(snap.Skipped)} {
		for _, cpr := range []string{"1234", "9753", "2468", "12345"} {
			assert.NotContains(t, text, cpr, "no national id, or part of one, in the logs or the skipped records")
		}
	}
	assert.Contains(t, logs.String(), `"skipped":5`)
}

func skippedText(rs []connectors.SkippedRecord) string {
	var b strings.Builder
	for _, r := range rs {
		b.WriteString(r.String() + "\n")
	}
	return b.String()
}

// What the connector delivers is what the host's intake takes: the vikar
// gets an engagement in the unit, the AD robot an account of its unit,
// and every identity with a login an AD account.
func TestIntakeTakesTheSnapshot(t *testing.T) {
	_, cfg := frederikshavnServer(t)
	snap, err := open(t, cfg).Identities(ctxFor(t, time.Minute))
	require.NoError(t, err)
	units := map[string]bool{"123": true, "456": true}
	m, err := intake.Identities("omada", snap, intake.IdentityOptions{
		TemporaryCategories: []string{"Vikar"},
		Unit: func(key string) (uuid.UUID, bool) {
			return orgmodel.SourceID("sd", orgmodel.KindUnit, key), units[key]
		},
	})
	require.NoError(t, err)
	kinds := map[orgmodel.Kind]int{}
	for _, o := range m.Objects {
		kinds[o.Kind]++
	}
	assert.Equal(t, map[orgmodel.Kind]int{orgmodel.KindPerson: 4, orgmodel.KindEngagement: 1, orgmodel.KindAccount: 3, orgmodel.KindAddress: 5}, kinds)
}

// In the as_written form the national id is passed on as Omada holds it,
// trimmed; in the cpr form both forms become ten digits.
func TestNationalIDForms(t *testing.T) {
	s, cfg := frederikshavnServer(t)
	s.SetRecords(fixture(t)[:2])
	snap, err := open(t, cfg).Identities(ctxFor(t, time.Minute))
	require.NoError(t, err)
	assert.Equal(t, []connectors.NationalID{"0101901234", "0202851234"}, []connectors.NationalID{snap.Identities[0].NationalID, snap.Identities[1].NationalID})

	cfg.NationalIDForm = "as_written"
	snap, err = open(t, cfg).Identities(ctxFor(t, time.Minute))
	require.NoError(t, err)
	assert.Equal(t, []connectors.NationalID{"010190-1234", "0202851234"}, []connectors.NationalID{snap.Identities[0].NationalID, snap.Identities[1].NationalID})
}

// The filter is sent as configured, and only the records it selects come
// back.
func TestFilter(t *testing.T) {
	s, cfg := frederikshavnServer(t)
	cfg.Filter = "C_OUID_ODATA eq '000123'"
	snap, err := open(t, cfg).Identities(ctxFor(t, time.Minute))
	require.NoError(t, err)
	assert.Equal(t, []string{"C_OUID_ODATA eq '000123'"}, s.Filters())
	for _, id := range snap.Identities {
		assert.Equal(t, "123", id.Unit)
	}
	assert.Len(t, snap.Identities, 2)
	assert.Len(t, snap.ServiceAccounts, 1)
}

// Ping reads one record.
func TestPing(t *testing.T) {
	s, cfg := frederikshavnServer(t)
	require.NoError(t, open(t, cfg).Ping(ctxFor(t, time.Minute)))
	assert.Equal(t, 1, s.Requests())
	cfg.Basic.Password = "wrong"
	err := open(t, cfg).Ping(ctxFor(t, time.Minute))
	assert.ErrorIs(t, err, connectors.Configuration)
}
