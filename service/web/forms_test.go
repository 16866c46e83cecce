package web

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The plan, the chapel and the what-if show their content; a bad
// proposal or a bad report window is shown next to its field; a report
// downloads as an attachment kept by no cache.
func TestPagesContent(t *testing.T) {
	r := newRig(t)
	admin := r.login(t, r.alice)
	_, body := admin.get("/plan")
	assert.Regexp(t, `id="fingerprint">[0-9a-f]{16}<`, body)
	assert.Contains(t, body, `id="no-ops"`, "everything was reconciled at start")
	_, body = admin.get("/chapel")
	assert.Contains(t, body, "nothing", "the accounts in scope, nothing to do")
	_, body = admin.get("/")
	assert.Contains(t, body, "Sikringen er slået til")
	assert.Contains(t, body, "reconcile")

	code, body := admin.post("/whatif", url.Values{"proposal": {`{"format": "orgsync-model/1", "snapshots": [{"source": "sd", "objects": [{"kind": "person", "key": "P9", "history": [{"from": "2020-01-01", "national_id": "311390-1234x"}]}]}]}`}})
	assert.Equal(t, http.StatusBadRequest, code)
	assert.Contains(t, body, `id="proposal-error">modelfile:`)
	assert.NotContains(t, body[len(body)/2:], "311390-1234x\u003c", "the error holds no CPR number in full")
	code, body = admin.post("/whatif", url.Values{"proposal": {""}})
	assert.Equal(t, http.StatusBadRequest, code)
	assert.Contains(t, body, "Indsæt et forslag")

	code, body = admin.get("/reports/file?report=hires&from=2026-13-01&to=2026-01-01&format=csv")
	assert.Equal(t, http.StatusBadRequest, code)
	assert.Contains(t, body, "En dato som 2026-03-01.")
	resp, err := admin.c.Get(r.srv.URL + "/reports/file?report=terminations&from=2026-01-01&to=2026-12-31&format=xlsx")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, `attachment; filename=terminations-2026-01-01-2027-01-01.xlsx`, resp.Header.Get("Content-Disposition"))
	assert.Equal(t, "no-store", resp.Header.Get("Cache-Control"))
}
