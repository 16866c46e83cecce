package auth

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
)

// KeySize is the length of a sealing key: AES-256.
const KeySize = 32

// sealer encrypts and authenticates cookie values with AES-256-GCM. The
// first key seals; every key opens, so that keys can be rotated without
// logging everyone out: add the new key first, and drop the old one once
// the longest session it sealed has expired.
type sealer struct {
	aeads []cipher.AEAD
}

var errUnsealable = errors.New("auth: cookie does not open")

// newSealer checks the keys and prepares them. field names the
// configuration field in errors.
func newSealer(field string, keys [][]byte) (*sealer, error) {
	if len(keys) == 0 {
		return nil, configErrorf(field, "at least one %d-byte key is needed", KeySize)
	}
	s := &sealer{}
	for i, k := range keys {
		if len(k) != KeySize {
			return nil, &ConfigError{Field: field + "[" + itoa(i) + "]",
				Problem: "key is " + itoa(len(k)) + " bytes, must be " + itoa(KeySize)}
		}
		block, err := aes.NewCipher(k)
		if err != nil {
			return nil, err
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, err
		}
		s.aeads = append(s.aeads, aead)
	}
	return s, nil
}

// randomSealer seals with a key that lives as long as this process.
func randomSealer() *sealer {
	s, err := newSealer("", [][]byte{randomBytes(KeySize)})
	if err != nil {
		panic(err) // cannot happen: the key has the right length
	}
	return s
}

// seal encrypts plaintext for a cookie. purpose (the cookie's name) is
// authenticated with it, so that a value sealed for one cookie does not open
// as another.
func (s *sealer) seal(purpose string, plaintext []byte) string {
	aead := s.aeads[0]
	nonce := randomBytes(aead.NonceSize())
	out := aead.Seal(nonce, nonce, plaintext, []byte(purpose))
	return base64.RawURLEncoding.EncodeToString(out)
}

// open decrypts a value sealed for purpose by any of the keys.
func (s *sealer) open(purpose, value string) ([]byte, error) {
	raw, err := base64.RawURLEncoding.Strict().DecodeString(value)
	if err != nil {
		return nil, errUnsealable
	}
	for _, aead := range s.aeads {
		n := aead.NonceSize()
		if len(raw) < n+aead.Overhead() {
			return nil, errUnsealable
		}
		if pt, err := aead.Open(nil, raw[:n], raw[n:], []byte(purpose)); err == nil {
			return pt, nil
		}
	}
	return nil, errUnsealable
}

// randomBytes returns n bytes from the system's secure random source,
// which does not fail (crypto/rand.Read crashes the program rather).
func randomBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

// randomToken returns 32 random bytes, base64url-encoded.
func randomToken() string { return base64.RawURLEncoding.EncodeToString(randomBytes(32)) }
