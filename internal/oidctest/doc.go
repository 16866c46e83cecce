// Package oidctest runs a real OpenID provider for tests: zitadel's OpenID
// Provider library (github.com/zitadel/oidc/v3/pkg/op) with the in-memory
// storage and login page of its example server, served over TLS on
// 127.0.0.1. Tests of a relying party (service/auth's OIDC) run the whole
// authorization code flow against it, login form included, without a
// browser.
//
// It owns the provider's lifetime (one per test binary), its registered
// clients and its one test user.
//
// What it must not do: serve anything but tests, or imitate the protocol by
// hand (the point is to meet a real provider's behaviour, mistakes
// included).
package oidctest
