package statedb

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/google/uuid"

	"github.com/orgsync/orgsync/orgmodel"
)

// KeyEnv is the environment variable [KeyFromEnv] reads by default.
const KeyEnv = "ORGSYNC_DB_KEY"

// KeySize is the size of a key, in bytes.
const KeySize = 32

// Key is the deployment's secret for national ids at rest: they are
// stored encrypted with AES-GCM, and found through an HMAC of the number,
// so that matching a person by CPR needs no decryption. Two keys are
// derived from it (HKDF-SHA256), one for each use.
//
// Keep the key apart from the database (a file readable by the service
// only, or the environment): a copy of the database without it shows no
// national id.
type Key struct {
	aead  cipher.AEAD
	mac   []byte
	check string
}

// GenerateKey returns a new random key in the text form ParseKey reads.
func GenerateKey() string {
	b := make([]byte, KeySize)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return base64.StdEncoding.EncodeToString(b)
}

// ParseKey reads a key written as base64 or hex (KeySize bytes), with
// surrounding white space ignored. The error never holds the text.
func ParseKey(text []byte) (*Key, error) {
	s := strings.TrimSpace(string(text))
	var raw []byte
	if b, err := base64.StdEncoding.DecodeString(s); err == nil && len(b) == KeySize {
		raw = b
	} else if b, err := hex.DecodeString(s); err == nil && len(b) == KeySize {
		raw = b
	} else {
		return nil, fmt.Errorf("%w: a key is %d random bytes written as base64 or hex (statedb.GenerateKey makes one)", ErrKey, KeySize)
	}
	return newKey(raw)
}

func newKey(raw []byte) (*Key, error) {
	derive := func(info string) []byte {
		k, err := hkdf.Key(sha256.New, raw, nil, info, 32)
		if err != nil {
			panic(err) // only for lengths hkdf cannot give
		}
		return k
	}
	block, err := aes.NewCipher(derive("orgsync statedb national id encryption v1"))
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	k := &Key{aead: aead, mac: derive("orgsync statedb national id lookup v1")}
	check := hmac.New(sha256.New, derive("orgsync statedb key check v1"))
	k.check = hex.EncodeToString(check.Sum(nil))
	return k, nil
}

// KeyFromFile reads a key from a file.
func KeyFromFile(path string) (*Key, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%w: reading the key file: %v", ErrKey, err)
	}
	k, err := ParseKey(b)
	if err != nil {
		return nil, fmt.Errorf("key file %s: %w", path, err)
	}
	return k, nil
}

// KeyFromEnv reads a key from the environment variable name (KeyEnv if
// name is "").
func KeyFromEnv(name string) (*Key, error) {
	if name == "" {
		name = KeyEnv
	}
	v, ok := os.LookupEnv(name)
	if !ok || strings.TrimSpace(v) == "" {
		return nil, fmt.Errorf("%w: $%s is not set", ErrKey, name)
	}
	k, err := ParseKey([]byte(v))
	if err != nil {
		return nil, fmt.Errorf("$%s: %w", name, err)
	}
	return k, nil
}

// nonceSize is AES-GCM's standard nonce size.
const nonceSize = 12

// seal encrypts a national id for person: a random nonce and the sealed
// ten digits. The person's id is authenticated with it, so a ciphertext
// copied to another person's row does not open.
func (k *Key) seal(person uuid.UUID, c orgmodel.CPR) []byte {
	out := make([]byte, nonceSize, nonceSize+10+k.aead.Overhead())
	if _, err := rand.Read(out); err != nil {
		panic(err)
	}
	return k.aead.Seal(out, out, []byte(c.Reveal()), person[:])
}

var errSealed = errors.New("a national id does not decrypt with this key")

// open decrypts what seal made.
func (k *Key) open(person uuid.UUID, b []byte) (orgmodel.CPR, error) {
	if len(b) < nonceSize {
		return orgmodel.CPR{}, errSealed
	}
	plain, err := k.aead.Open(nil, b[:nonceSize], b[nonceSize:], person[:])
	if err != nil {
		return orgmodel.CPR{}, errSealed
	}
	c, err := orgmodel.ParseCPR(string(plain), orgmodel.CPROptions{AllowFictive: true})
	if err != nil {
		return orgmodel.CPR{}, errSealed
	}
	return c, nil
}

// lookup returns the keyed hash a national id is found by.
func (k *Key) lookup(c orgmodel.CPR) []byte {
	h := hmac.New(sha256.New, k.mac)
	h.Write([]byte(c.Reveal()))
	return h.Sum(nil)
}

// matches reports whether check is this key's check value.
func (k *Key) matches(check string) bool {
	return len(check) > 0 && hmac.Equal([]byte(check), []byte(k.check))
}

// LoadKey reads the key from file, or from $ORGSYNC_DB_KEY if file is
// "": the two places a deployment keeps it.
func LoadKey(file string) (*Key, error) {
	if file != "" {
		return KeyFromFile(file)
	}
	return KeyFromEnv("")
}
