package connectors

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestSecretNeverPrints(t *testing.T) {
	const pw = "Sup3r!Secret"
	s := Secret(pw)
	req := CreateRequest{DN: "CN=x", Password: s}
	for _, out := range []string{
		fmt.Sprint(s), fmt.Sprintf("%s %v %+v %#v %q", s, s, req, req, s),
	} {
		require.NotContains(t, out, pw)
		require.Contains(t, out, "[redacted]")
	}
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("creating", "password", s, "request", req)
	require.NotContains(t, buf.String(), pw)
	j, err := json.Marshal(req)
	require.NoError(t, err)
	require.NotContains(t, string(j), pw)
	require.Equal(t, pw, string(s), "the code that needs it still has it")
}
