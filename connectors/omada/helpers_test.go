package omada_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/connectors/omada"
	"github.com/orgsync/orgsync/connectors/omada/omadatest"
)

// quiet is a logger that drops everything.
var quiet = slog.New(slog.DiscardHandler)

func ctxFor(t testing.TB, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// frederikshavn is the mapping of Frederikshavn's view.
var frederikshavn = omada.Fields{
	Key: "UId", NationalID: "C_CPRNUMBER", GivenNames: "FIRSTNAME", Surname: "LASTNAME", Unit: "C_OUID_ODATA",
	JobTitle: "C_JOBTITLE_ODATA", Category: "IDENTITYCATEGORY.Id", ObjectGUID: "C_OBJECTGUID_I_AD", Login: "ADLOGON",
	Addresses: []omada.AddressField{{Type: "EMAIL", Field: "EMAIL"}, {Type: "PHONE", Field: "C_TELEPHONENUMBER"}, {Type: "MOBILE", Field: "CELLPHONE"}},
}

// frederikshavnCategories maps IDENTITYCATEGORY.Id.
var frederikshavnCategories = map[string]string{"561": "Vikar", "562": "Ekstern konsulent", "570": "AD-robot", "1": "Medarbejder"}

// fixture reads testdata/frederikshavn.json: ten records, among them a
// duplicate and four malformed.
func fixture(t testing.TB) []json.RawMessage {
	t.Helper()
	b, err := os.ReadFile("testdata/frederikshavn.json")
	require.NoError(t, err)
	var recs []json.RawMessage
	require.NoError(t, json.Unmarshal(b, &recs))
	return recs
}

// open opens a connector on cfg, closed when the test ends.
func open(t testing.TB, cfg omada.Config) *omada.Connector {
	t.Helper()
	if cfg.Logger == nil {
		cfg.Logger = quiet
	}
	c, err := omada.Open(cfg)
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	return c
}

// frederikshavnServer is a fake with the fixture in pages of four, and
// a config that reads it with basic auth.
func frederikshavnServer(t testing.TB) (*omadatest.Server, omada.Config) {
	s := omadatest.New(t, omadatest.Options{PageSize: 4, Username: "svc-orgsync", Password: "Kodeord-ÆØÅ-1", Fields: frederikshavn})
	s.SetRecords(fixture(t))
	cfg := s.Config(t)
	cfg.Categories = frederikshavnCategories
	cfg.TrimUnitZeros = true
	return s, cfg
}

// unescape undoes the URL encoding of a client id or secret.
func unescape(s string) (string, error) { return url.QueryUnescape(s) }
