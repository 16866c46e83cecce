package inmem_test

import (
	"context"
	"strings"
	"testing"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/connectors/inmem"
	"github.com/orgsync/orgsync/orgmodel/timeline"
	"github.com/stretchr/testify/require"
)

func someIdentities() *connectors.IdentitySnapshot {
	return &connectors.IdentitySnapshot{
		Identities: []connectors.Identity{
			{Key: "B", NationalID: "0101901234", GivenNames: "Karina", Surname: "Jensen", Unit: "U1", Category: "Vikar", Valid: since2000,
				ObjectGUID: "3f2504e0-4f89-41d3-9a0c-0305e82c3301", Login: "kaje",
				Addresses: []connectors.IdentityAddress{{Type: "PHONE", Value: "12345678"}, {Type: "EMAIL", Value: "kaje@example.dk"}}},
			{Key: "A", Surname: "Smith", Valid: since2000},
		},
		ServiceAccounts: []connectors.ServiceAccount{
			{Key: "S2", Unit: "U1", Login: "svc2", Valid: since2000},
			{Key: "A", Unit: "U1", Login: "svc1", ObjectGUID: "9b2c1e3a-7d4f-4a6b-8c9d-0e1f2a3b4c5d", Valid: since2000},
		},
	}
}

func mustIdentities(t *testing.T, s *inmem.Identities) *connectors.IdentitySnapshot {
	t.Helper()
	got, err := s.Identities(context.Background())
	require.NoError(t, err)
	return got
}

func TestIdentitiesPublishRefusesBadData(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(s *connectors.IdentitySnapshot)
		text   string
	}{
		{"identity without key", func(s *connectors.IdentitySnapshot) { s.Identities[1].Key = "" }, `identity "" (row 2) Key: empty`},
		{"duplicate identity", func(s *connectors.IdentitySnapshot) { s.Identities[1].Key = "B" }, `identity "B" (row 2) Key: also the key of row 1`},
		{"service account without key", func(s *connectors.IdentitySnapshot) { s.ServiceAccounts[0].Key = "" }, `service account "" (row 1) Key: empty`},
		{"duplicate service account", func(s *connectors.IdentitySnapshot) { s.ServiceAccounts[1].Key = "S2" }, "also the key of row 1"},
		{"key too long", func(s *connectors.IdentitySnapshot) {
			s.Identities[1].Key = strings.Repeat("k", connectors.MaxKeyBytes+1)
		}, "257 bytes"},
		{"unit too long", func(s *connectors.IdentitySnapshot) {
			s.ServiceAccounts[0].Unit = strings.Repeat("u", connectors.MaxKeyBytes+1)
		}, "Unit: 257 bytes"},
		{"field too long", func(s *connectors.IdentitySnapshot) {
			s.Identities[0].JobTitle = strings.Repeat("j", connectors.MaxFieldBytes+1)
		}, "JobTitle: 1025 bytes"},
		{"NUL in a name", func(s *connectors.IdentitySnapshot) { s.Identities[0].Surname = "Jen\x00sen" }, "Surname: holds the control character U+0000"},
		{"newline in a login", func(s *connectors.IdentitySnapshot) { s.ServiceAccounts[0].Login = "svc\n" }, "Login: holds the control character U+000A"},
		{"control in a key", func(s *connectors.IdentitySnapshot) { s.Identities[1].Key = "A\x1b" }, "Key: holds the control character U+001B"},
		{"invalid UTF-8", func(s *connectors.IdentitySnapshot) { s.Identities[0].GivenNames = "Kar\xffina" }, "GivenNames: not valid UTF-8"},
		{"invalid UTF-8 category", func(s *connectors.IdentitySnapshot) { s.Identities[0].Category = "\xc3" }, "Category: not valid UTF-8"},
		{"control in a national id", func(s *connectors.IdentitySnapshot) { s.Identities[0].NationalID = "0101901234\t" }, "NationalID: holds"},
		{"empty interval", func(s *connectors.IdentitySnapshot) { s.Identities[0].Valid.To = s.Identities[0].Valid.From }, "Valid: timeline: invalid interval"},
		{"service account interval", func(s *connectors.IdentitySnapshot) { s.ServiceAccounts[1].Valid = timeline.Interval{} }, `service account "A" (row 2) Valid`},
		{"upper-case GUID", func(s *connectors.IdentitySnapshot) {
			s.Identities[0].ObjectGUID = "3F2504E0-4F89-41D3-9A0C-0305E82C3301"
		}, "is not a lower-case UUID"},
		{"GUID in braces", func(s *connectors.IdentitySnapshot) {
			s.Identities[0].ObjectGUID = "{3f2504e0-4f89-41d3-9a0c-0305e82c3301}"
		}, "ObjectGUID"},
		{"GUID not a UUID", func(s *connectors.IdentitySnapshot) { s.ServiceAccounts[0].ObjectGUID = "CN=svc,DC=example" }, "ObjectGUID"},
		{"GUID without dashes", func(s *connectors.IdentitySnapshot) {
			s.ServiceAccounts[0].ObjectGUID = "3f2504e04f8941d39a0c0305e82c3301"
		}, "ObjectGUID"},
		{"address without type", func(s *connectors.IdentitySnapshot) { s.Identities[0].Addresses[1].Type = "" }, "Addresses[1].Type: empty"},
		{"address without value", func(s *connectors.IdentitySnapshot) { s.Identities[0].Addresses[0].Value = "" }, "Addresses[0].Value: empty"},
		{"address with NUL", func(s *connectors.IdentitySnapshot) { s.Identities[0].Addresses[0].Value = "1\x00" }, "Addresses[0].Value: holds"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := inmem.NewIdentities()
			require.NoError(t, s.Publish(someIdentities()))
			before := mustIdentities(t, s)
			bad := someIdentities()
			tc.change(bad)
			err := s.Publish(bad)
			require.ErrorIs(t, err, connectors.Invalid)
			require.Contains(t, err.Error(), tc.text)
			require.Equal(t, before, mustIdentities(t, s), "a refused publish changes nothing")
		})
	}
	s := inmem.NewIdentities()
	require.ErrorIs(t, s.Publish(nil), connectors.Invalid)
}

func TestIdentitiesErrorsMaskNationalIDs(t *testing.T) {
	s := inmem.NewIdentities()
	bad := someIdentities()
	bad.Identities[0].Key = "0101901234"
	bad.Identities[0].Surname = "\x00"
	bad.Identities[1].Key = "19900101-1234"
	bad.Identities[1].Valid = timeline.Interval{}
	bad.ServiceAccounts[0].ObjectGUID = "0202901234"
	err := s.Publish(bad)
	require.Error(t, err)
	require.NotRegexp(t, `[0-9]{6}-?[0-9]{4}([^0-9]|$)`, err.Error())
	require.Contains(t, err.Error(), `identity "010190-xxxx" (row 1) Surname`)
	require.Contains(t, err.Error(), `identity "19900101-xxxx" (row 2) Valid`)
}

func TestIdentitiesPublish(t *testing.T) {
	s := inmem.NewIdentities()
	empty := mustIdentities(t, s)
	require.NotNil(t, empty)
	require.Empty(t, empty.Identities, "nothing before the first publish")
	require.Empty(t, empty.ServiceAccounts)

	in := someIdentities()
	require.NoError(t, s.Publish(in), "an identity and a service account may share a key")
	in.Identities[0].Addresses[0].Value = "changed after publish"
	in.ServiceAccounts[0].Login = "changed after publish"

	got := mustIdentities(t, s)
	require.Equal(t, "A", got.Identities[0].Key, "sorted by key")
	require.Equal(t, "B", got.Identities[1].Key)
	require.Equal(t, []connectors.IdentityAddress{{Type: "PHONE", Value: "12345678"}, {Type: "EMAIL", Value: "kaje@example.dk"}},
		got.Identities[1].Addresses, "addresses as published, in order")
	require.Equal(t, "0101901234", string(got.Identities[1].NationalID))
	require.Equal(t, []string{"A", "S2"}, []string{got.ServiceAccounts[0].Key, got.ServiceAccounts[1].Key})
	require.Equal(t, "svc2", got.ServiceAccounts[1].Login)

	got.Identities[1].Addresses[0].Value = "changed in a copy"
	got.Identities[0].Surname = "changed in a copy"
	again := mustIdentities(t, s)
	require.Equal(t, "12345678", again.Identities[1].Addresses[0].Value)
	require.Equal(t, "Smith", again.Identities[0].Surname)
}

func TestIdentitiesClose(t *testing.T) {
	ctx := context.Background()
	s := inmem.NewIdentities()
	require.NoError(t, s.Close())
	require.NoError(t, s.Close(), "closing twice is harmless")
	require.ErrorIs(t, s.Ping(ctx), connectors.Invalid)
	_, err := s.Identities(ctx)
	require.ErrorIs(t, err, connectors.Invalid)
	require.Contains(t, err.Error(), "closed")
	require.ErrorIs(t, s.Publish(someIdentities()), connectors.Invalid)
}
