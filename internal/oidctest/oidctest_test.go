package oidctest_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"golang.org/x/oauth2"

	"github.com/orgsync/orgsync/internal/oidctest"
)

// The provider runs the code flow with PKCE for a registered client, and
// refuses a wrong password and an unregistered redirect URI.
func TestCodeFlow(t *testing.T) {
	p := oidctest.Start(t)
	if p2 := oidctest.Start(t); p2 != p {
		t.Errorf("Start started a second provider")
	}
	if !strings.HasPrefix(p.Issuer, "https://127.0.0.1:") {
		t.Errorf("Issuer = %s", p.Issuer)
	}
	c := p.HTTPClient()
	resp, err := c.Get(p.Issuer + "/.well-known/openid-configuration")
	if err != nil {
		t.Fatal(err)
	}
	var disc struct {
		Issuer                string `json:"issuer"`
		AuthorizationEndpoint string `json:"authorization_endpoint"`
		TokenEndpoint         string `json:"token_endpoint"`
	}
	err = json.NewDecoder(resp.Body).Decode(&disc)
	resp.Body.Close()
	if err != nil || disc.Issuer != p.Issuer {
		t.Fatalf("discovery: issuer %q, %v", disc.Issuer, err)
	}

	client := p.NewClient("https://rp.test/callback")
	cfg := oauth2.Config{
		ClientID: client.ID, ClientSecret: client.Secret, RedirectURL: client.RedirectURI,
		Endpoint: oauth2.Endpoint{AuthURL: disc.AuthorizationEndpoint, TokenURL: disc.TokenEndpoint},
		Scopes:   []string{"openid", "profile"},
	}
	verifier := oauth2.GenerateVerifier()
	authURL := cfg.AuthCodeURL("st4te", oauth2.S256ChallengeOption(verifier))

	if _, err := p.LoginAs(authURL, p.User.Username, "wrong"); err == nil || !strings.Contains(err.Error(), "refused") {
		t.Errorf("wrong password: %v", err)
	}
	cb, err := p.Login(authURL)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(cb.String(), "https://rp.test/callback?") || cb.Query().Get("state") != "st4te" {
		t.Fatalf("redirect back = %s", cb)
	}
	ctx := context.WithValue(context.Background(), oauth2.HTTPClient, &http.Client{Transport: c.Transport})
	tok, err := cfg.Exchange(ctx, cb.Query().Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatalf("exchange: %v", err)
	}
	if id, _ := tok.Extra("id_token").(string); strings.Count(id, ".") != 2 {
		t.Errorf("no ID token in %v", tok)
	}

	// Another redirect URI than the registered one is refused.
	bad := cfg
	bad.RedirectURL = "https://evil.example/callback"
	cb, err = p.Login(bad.AuthCodeURL("s", oauth2.S256ChallengeOption(verifier)))
	if err == nil && strings.HasPrefix(cb.String(), "https://evil.example") {
		t.Errorf("provider redirected to an unregistered URI: %s", cb)
	}
}
