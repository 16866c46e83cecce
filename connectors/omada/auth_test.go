package omada_test

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/connectors/omada"
	"github.com/orgsync/orgsync/connectors/omada/omadatest"
)

// oidcServer is a fake that wants client credentials, with the
// fixture, and a config whose secret is in a file.
func oidcServer(t *testing.T) (*omadatest.Server, omada.Config) {
	s := omadatest.New(t, omadatest.Options{PageSize: 4, ClientID: "orgsync-omada", ClientSecret: "s3cret/æøå+=", Fields: frederikshavn})
	s.SetRecords(fixture(t))
	cfg := s.Config(t)
	secret := filepath.Join(t.TempDir(), "secret")
	require.NoError(t, os.WriteFile(secret, []byte("s3cret/æøå+=\n"), 0o600))
	cfg.OIDC.ClientSecret, cfg.OIDC.ClientSecretFile = "", secret
	cfg.OIDC.Scopes = []string{"api://omada/.default"}
	return s, cfg
}

// With client credentials the connector asks the token endpoint once
// (grant_type client_credentials, the scopes, the client in the
// Authorization header), sends the token as a bearer on every page, and
// keeps it for the next poll.
func TestClientCredentials(t *testing.T) {
	s, cfg := oidcServer(t)
	c := open(t, cfg)
	for range 2 {
		snap, err := c.Identities(ctxFor(t, time.Minute))
		require.NoError(t, err)
		assert.Len(t, snap.Identities, 4)
	}
	reqs := s.TokenRequests()
	require.Len(t, reqs, 1, "the token is kept")
	assert.Equal(t, "client_credentials", reqs[0].Form.Get("grant_type"))
	assert.Equal(t, "api://omada/.default", reqs[0].Form.Get("scope"))
	assert.Empty(t, reqs[0].Form.Get("client_secret"), "the secret is not in the form")
	user, pass, ok := parseBasic(reqs[0].Authorization)
	require.True(t, ok, "%q", reqs[0].Authorization)
	assert.Equal(t, "orgsync-omada", user)
	assert.Equal(t, "s3cret/æøå+=", pass, "the secret read from the file, its line break dropped")
	assert.Equal(t, 6, s.Requests(), "three pages a poll, each accepted only with the bearer token")

	// A token the server no longer takes is renewed once.
	s.RevokeTokens()
	_, err := c.Identities(ctxFor(t, time.Minute))
	require.NoError(t, err)
	assert.Len(t, s.TokenRequests(), 2)
}

// parseBasic decodes a basic Authorization header, with the oauth2
// package's URL encoding of the client id and secret.
func parseBasic(h string) (user, pass string, ok bool) {
	const prefix = "Basic "
	if len(h) < len(prefix) || h[:len(prefix)] != prefix {
		return "", "", false
	}
	b, err := base64.StdEncoding.DecodeString(h[len(prefix):])
	if err != nil {
		return "", "", false
	}
	for i := range b {
		if b[i] == ':' {
			u, e1 := unescape(string(b[:i]))
			p, e2 := unescape(string(b[i+1:]))
			return u, p, e1 == nil && e2 == nil
		}
	}
	return "", "", false
}

// The secret may come from the environment.
func TestClientSecretFromEnvironment(t *testing.T) {
	_, cfg := oidcServer(t)
	cfg.OIDC.ClientSecretFile, cfg.OIDC.ClientSecretEnv = "", "ORGSYNC_TEST_OMADA_SECRET"
	t.Setenv("ORGSYNC_TEST_OMADA_SECRET", "s3cret/æøå+=")
	_, err := open(t, cfg).Identities(ctxFor(t, time.Minute))
	require.NoError(t, err)

	t.Setenv("ORGSYNC_TEST_OMADA_SECRET", "")
	cfg.Logger = quiet
	_, err = omada.Open(cfg)
	assert.ErrorIs(t, err, connectors.Configuration)
	assert.ErrorContains(t, err, "ORGSYNC_TEST_OMADA_SECRET is not set or empty")
}

// Wrong credentials are a Configuration error, in both modes, that never
// repeats the secret.
func TestWrongCredentials(t *testing.T) {
	_, cfg := oidcServer(t)
	wrong := filepath.Join(t.TempDir(), "wrong")
	require.NoError(t, os.WriteFile(wrong, []byte("guessed-secret"), 0o600))
	cfg.OIDC.ClientSecretFile = wrong
	_, err := open(t, cfg).Identities(ctxFor(t, time.Minute))
	require.Error(t, err)
	assert.Equal(t, connectors.Configuration, connectors.KindOf(err), "%v", err)
	assert.Contains(t, err.Error(), "invalid_client")
	assert.NotContains(t, err.Error(), "guessed-secret")

	_, basic := frederikshavnServer(t)
	basic.Basic.Password = "guessed-password"
	_, err = open(t, basic).Identities(ctxFor(t, time.Minute))
	require.Error(t, err)
	assert.Equal(t, connectors.Configuration, connectors.KindOf(err), "%v", err)
	assert.Contains(t, err.Error(), "HTTP 401")
	assert.NotContains(t, err.Error(), "guessed-password")
}

// The server's certificate is trusted only through the CA file, and must
// carry the server name.
func TestCustomCA(t *testing.T) {
	_, cfg := frederikshavnServer(t)
	cfg.ServerName = "example.com" // a name the test certificate carries
	_, err := open(t, cfg).Identities(ctxFor(t, time.Minute))
	require.NoError(t, err)

	cfg.ServerName = "omada.frederikshavn.dk"
	_, err = open(t, cfg).Identities(ctxFor(t, time.Minute))
	assert.Equal(t, connectors.Configuration, connectors.KindOf(err), "a certificate for another name: %v", err)

	cfg.ServerName, cfg.CAFile = "", ""
	_, err = open(t, cfg).Identities(ctxFor(t, time.Minute))
	assert.Equal(t, connectors.Configuration, connectors.KindOf(err), "an untrusted certificate: %v", err)

	o, ocfg := oidcServer(t)
	ocfg.CAFile = ""
	_, err = open(t, ocfg).Identities(ctxFor(t, time.Minute))
	assert.Equal(t, connectors.Configuration, connectors.KindOf(err), "the token endpoint's certificate: %v", err)
	assert.Empty(t, o.TokenRequests(), "no token request reached the server")
}
