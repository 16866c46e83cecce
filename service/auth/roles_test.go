package auth_test

import (
	"slices"
	"testing"

	"github.com/orgsync/orgsync/service/auth"
)

func TestRoles(t *testing.T) {
	m := auth.RoleMap{
		Admin: []string{"CN=orgsync-admins,OU=Groups,DC=example,DC=test"},
		HR:    []string{"hr staff"},
		Systems: map[string][]string{
			"opus":  {"OPUS-Admins"},
			"kmd":   {"cn=KMD Admins,ou=groups,dc=example,dc=test"},
			"sbsys": {"SBSYS-Admins"},
		},
	}
	cases := []struct {
		name   string
		groups []string
		want   auth.Roles
	}{
		{"none", nil, auth.Roles{}},
		{"admin by DN, other case", []string{"cn=ORGSYNC-ADMINS,ou=groups,dc=example,dc=test"}, auth.Roles{Admin: true}},
		{"same CN elsewhere is not the admin DN", []string{"CN=orgsync-admins,OU=Other,DC=example,DC=test"}, auth.Roles{}},
		{"HR by CN", []string{"CN=HR Staff,OU=Groups,DC=example,DC=test"}, auth.Roles{HR: true}},
		{"HR by plain provider group", []string{"HR STAFF"}, auth.Roles{HR: true}},
		{"systems sorted", []string{"CN=SBSYS-Admins,DC=example,DC=test", "CN=KMD Admins,OU=Groups,DC=example,DC=test", "opus-admins"},
			auth.Roles{Systems: []string{"kmd", "opus", "sbsys"}}},
		{"CN is the first RDN only", []string{"CN=Staff,OU=hr staff,DC=example,DC=test"}, auth.Roles{}},
		{"DN entry does not match plain name", []string{"orgsync-admins"}, auth.Roles{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := m.Roles(&auth.Principal{Groups: tc.groups})
			if got.Admin != tc.want.Admin || got.HR != tc.want.HR || !slices.Equal(got.Systems, tc.want.Systems) {
				t.Errorf("Roles(%q) = %+v, want %+v", tc.groups, got, tc.want)
			}
		})
	}
}
