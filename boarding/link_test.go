package boarding_test

import (
	"bytes"
	"encoding/base64"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/boarding"
)

func signer(t testing.TB, b byte) *boarding.Signer {
	s, err := boarding.NewSigner(bytes.Repeat([]byte{b}, 32))
	require.NoError(t, err)
	return s
}

func TestConfirmationLinks(t *testing.T) {
	s := signer(t, 1)
	l := boarding.Link{Order: uuid.New(), Task: uuid.New(), Answer: boarding.LinkDone, Expires: t0.Add(72 * time.Hour)}
	tok := s.Sign(l)
	got, err := s.Verify(tok, t0)
	require.NoError(t, err)
	assert.Equal(t, l.Order, got.Order)
	assert.Equal(t, l.Task, got.Task)
	assert.Equal(t, boarding.LinkDone, got.Answer)

	_, err = s.Verify(tok, t0.Add(72*time.Hour))
	assert.ErrorIs(t, err, boarding.ErrLinkExpired)
	_, err = signer(t, 2).Verify(tok, t0)
	assert.ErrorIs(t, err, boarding.ErrLinkForged, "another deployment's key")

	raw, _ := base64.RawURLEncoding.DecodeString(tok)
	for i := range raw {
		alt := bytes.Clone(raw)
		alt[i] ^= 0x01
		_, err := s.Verify(base64.RawURLEncoding.EncodeToString(alt), t0)
		assert.ErrorIs(t, err, boarding.ErrLinkForged, "byte %d altered", i)
	}
	for _, bad := range []string{"", "x", tok[:len(tok)-1], tok + "A", "!!!!"} {
		_, err := s.Verify(bad, t0)
		assert.ErrorIs(t, err, boarding.ErrLinkForged, "%q", bad)
	}
	_, err = boarding.NewSigner([]byte("short"))
	assert.Error(t, err)
}

func FuzzVerifyLink(f *testing.F) {
	s := signer(f, 1)
	f.Add(s.Sign(boarding.Link{Order: uuid.New(), Task: uuid.New(), Answer: boarding.LinkRefuse, Expires: t0.Add(time.Hour)}))
	f.Add("")
	f.Add("AQ")
	f.Fuzz(func(t *testing.T, tok string) {
		l, err := s.Verify(tok, t0)
		if err == nil && s.Sign(l) != tok {
			t.Fatalf("%q verified but is not what Sign makes of %+v", tok, l)
		}
	})
}
