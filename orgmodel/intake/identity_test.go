package intake_test

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/adsync"
	"github.com/orgsync/orgsync/connectors"
	om "github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/intake"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

const omada = "omada"

const (
	guid1 = "3f2504e0-4f89-41d3-9a0c-0305e82c3301"
	guid2 = "3f2504e0-4f89-41d3-9a0c-0305e82c3302"
	guid3 = "3f2504e0-4f89-41d3-9a0c-0305e82c3303"
)

// oid is the id Identities gives an object of the kind made from the key.
func oid(k om.Kind, key string) uuid.UUID { return om.SourceID(omada, k, key) }

// identities is an identity snapshot that fits payroll(): Anne (P1 by her
// CPR) with an AD account and addresses, a temp without a CPR, a
// consultant without an account, and a service account.
func identities() *connectors.IdentitySnapshot {
	return &connectors.IdentitySnapshot{
		Identities: []connectors.Identity{
			{
				Key: "I1", NationalID: "010190-1234", GivenNames: "Anne Sofie", Surname: "Møller-Hansen",
				Unit: "U2", JobTitle: "Sygeplejerske", Category: "Medarbejder", Valid: since("2024-01-01"),
				ObjectGUID: guid1, Login: "anmo",
				Addresses: []connectors.IdentityAddress{
					{Type: "EMAIL", Value: "anmo@sjolund.example"},
					{Type: "PHONE", Value: "+45 12 34 56 78"},
					{Type: "EMAIL", Value: "anmo@sjolund.example"}, // twice: one address
					{Type: "EMAIL", Value: "anne.moller@sjolund.example"},
				},
			},
			{
				Key: "I2", GivenNames: greekName, Surname: ldapName, Unit: "U3", JobTitle: "Vikar, SOSU-assistent",
				Category: "Vikar", Valid: between("2025-01-01", "2025-07-01"), ObjectGUID: guid2, Login: `o'brien#1`,
			},
			{Key: "I3", NationalID: "0303803333", GivenNames: "Ext", Surname: arabic, Unit: "U9", Category: "Ekstern konsulent", Valid: since("2024-06-01")},
		},
		ServiceAccounts: []connectors.ServiceAccount{
			{Key: "I1", Unit: "U3", Login: "hjemkiosk", ObjectGUID: guid3, Valid: since("2022-01-01")},
		},
	}
}

// units resolves the payroll's unit keys, as a host would.
func units(key string) (uuid.UUID, bool) {
	switch key {
	case "U1", "U2", "U3":
		return om.SourceID(src, om.KindUnit, key), true
	}
	return uuid.Nil, false
}

func identityOptions() intake.IdentityOptions {
	return intake.IdentityOptions{TemporaryCategories: []string{"Vikar"}, Unit: units}
}

func obj(id uuid.UUID, key string, iv timeline.Interval, a om.Attrs) om.Object {
	return om.Object{ID: id, Kind: a.Kind(), UserKey: key, Source: omada, Timeline: timeline.Of(iv, a)}
}

func TestADSystemIsAdsyncs(t *testing.T) {
	assert.Equal(t, adsync.System, intake.ADSystem, "adsync must find the accounts intake records")
}

func TestIdentitiesMapEveryRecord(t *testing.T) {
	all := identities()
	p1, p2, p3 := oid(om.KindPerson, "I1"), oid(om.KindPerson, "I2"), oid(om.KindPerson, "I3")
	iv1, iv2 := since("2024-01-01"), between("2025-01-01", "2025-07-01")
	// The ids of addresses and service accounts are pinned: they must
	// never change, or every import would replace them.
	address := func(typ, n string) uuid.UUID { return oid(om.KindAddress, "I1\x00"+typ+"\x00"+n) }
	tests := []struct {
		name string
		snap connectors.IdentitySnapshot
		opts func(o *intake.IdentityOptions)
		want []om.Object
	}{
		{"employee: person, AD account, distinct addresses, no engagement", connectors.IdentitySnapshot{Identities: all.Identities[:1]}, nil, []om.Object{
			obj(p1, "I1", iv1, om.PersonAttrs{GivenNames: "Anne Sofie", Surname: "Møller-Hansen", NationalID: cpr("0101901234")}),
			obj(oid(om.KindAccount, "I1"), "I1", iv1, om.AccountAttrs{System: intake.ADSystem, Username: "anmo", ExternalID: guid1, Person: p1}),
			obj(address("EMAIL", "0"), "I1", iv1, om.AddressAttrs{Type: "EMAIL", Value: "anmo@sjolund.example", Person: p1}),
			obj(address("PHONE", "0"), "I1", iv1, om.AddressAttrs{Type: "PHONE", Value: "+45 12 34 56 78", Person: p1}),
			obj(address("EMAIL", "1"), "I1", iv1, om.AddressAttrs{Type: "EMAIL", Value: "anne.moller@sjolund.example", Person: p1}),
		}},
		{"temporary staff: an engagement in the unit, names kept exactly", connectors.IdentitySnapshot{Identities: all.Identities[1:2]}, nil, []om.Object{
			obj(p2, "I2", iv2, om.PersonAttrs{GivenNames: greekName, Surname: ldapName}),
			obj(oid(om.KindEngagement, "I2"), "I2", iv2, om.EngagementAttrs{Person: p2, Unit: id(om.KindUnit, "U3"), JobFunction: "Vikar, SOSU-assistent", Type: "Vikar"}),
			obj(oid(om.KindAccount, "I2"), "I2", iv2, om.AccountAttrs{System: intake.ADSystem, Username: `o'brien#1`, ExternalID: guid2, Person: p2}),
		}},
		{"consultant without an account: a person only, its unit not asked for", connectors.IdentitySnapshot{Identities: all.Identities[2:]}, nil, []om.Object{
			obj(p3, "I3", since("2024-06-01"), om.PersonAttrs{GivenNames: "Ext", Surname: arabic, NationalID: cpr("0303803333")}),
		}},
		{"another account system", connectors.IdentitySnapshot{Identities: []connectors.Identity{{Key: "I4", Surname: "X", Login: "x", Valid: iv1}}},
			func(o *intake.IdentityOptions) { o.AccountSystem = "Google" }, []om.Object{
				obj(oid(om.KindPerson, "I4"), "I4", iv1, om.PersonAttrs{Surname: "X"}),
				obj(oid(om.KindAccount, "I4"), "I4", iv1, om.AccountAttrs{System: "Google", Username: "x", Person: oid(om.KindPerson, "I4")}),
			}},
		{"service account: an account of its unit, kept apart from an identity's with the same key", connectors.IdentitySnapshot{ServiceAccounts: all.ServiceAccounts}, nil, []om.Object{
			obj(oid(om.KindAccount, "\x00service\x00I1"), "I1", since("2022-01-01"), om.AccountAttrs{System: intake.ADSystem, Username: "hjemkiosk", ExternalID: guid3, Unit: id(om.KindUnit, "U3")}),
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			opts := identityOptions()
			if tc.opts != nil {
				tc.opts(&opts)
			}
			snap, err := intake.Identities(omada, &tc.snap, opts)
			require.NoError(t, err)
			assert.Equal(t, omada, snap.Source)
			assert.Equal(t, tc.want, snap.Objects)
		})
	}

	snap, err := intake.Identities(omada, all, identityOptions())
	require.NoError(t, err)
	assert.Len(t, snap.Objects, 5+3+1+1, "the whole snapshot is the records' objects together")
	ids := map[uuid.UUID]bool{}
	for _, o := range snap.Objects {
		assert.False(t, ids[o.ID], "id %s twice", o.ID)
		ids[o.ID] = true
	}
}

func TestIdentitiesRefuseBadInput(t *testing.T) {
	tests := []struct {
		name    string
		change  func(s *connectors.IdentitySnapshot, o *intake.IdentityOptions)
		service bool
		index   int
		field   string
		is      error
		has     string
	}{
		{"unresolvable unit", func(s *connectors.IdentitySnapshot, o *intake.IdentityOptions) { s.Identities[1].Unit = "U9" },
			false, 1, "Unit", intake.ErrUnitNotFound, `"U9"`},
		{"temporary without a unit", func(s *connectors.IdentitySnapshot, o *intake.IdentityOptions) { s.Identities[1].Unit = "" },
			false, 1, "Unit", nil, "empty"},
		{"no unit resolver", func(s *connectors.IdentitySnapshot, o *intake.IdentityOptions) { o.Unit = nil },
			false, 1, "Unit", intake.ErrUnitNotFound, ""},
		{"upper-case GUID", func(s *connectors.IdentitySnapshot, o *intake.IdentityOptions) {
			s.Identities[0].ObjectGUID = "3F2504E0-4F89-41D3-9A0C-0305E82C3301"
		}, false, 0, "ObjectGUID", intake.ErrBadGUID, ""},
		{"GUID in braces", func(s *connectors.IdentitySnapshot, o *intake.IdentityOptions) {
			s.Identities[0].ObjectGUID = "{" + guid1 + "}"
		}, false, 0, "ObjectGUID", intake.ErrBadGUID, ""},
		{"GUID that is no UUID", func(s *connectors.IdentitySnapshot, o *intake.IdentityOptions) {
			s.Identities[0].ObjectGUID = "CN=anmo,DC=x"
		},
			false, 0, "ObjectGUID", intake.ErrBadGUID, ""},
		{"nil GUID", func(s *connectors.IdentitySnapshot, o *intake.IdentityOptions) {
			s.Identities[0].ObjectGUID = connectors.ID(uuid.Nil.String())
		},
			false, 0, "ObjectGUID", intake.ErrBadGUID, ""},
		{"service account's bad GUID", func(s *connectors.IdentitySnapshot, o *intake.IdentityOptions) {
			s.ServiceAccounts[0].ObjectGUID = "kiosk"
		},
			true, 0, "ObjectGUID", intake.ErrBadGUID, ""},
		{"GUID twice", func(s *connectors.IdentitySnapshot, o *intake.IdentityOptions) {
			s.ServiceAccounts[0].ObjectGUID = guid1
		},
			true, 0, "ObjectGUID", intake.ErrDuplicateAccount, `the identity "I1"`},
		{"key twice", func(s *connectors.IdentitySnapshot, o *intake.IdentityOptions) { s.Identities[2].Key = "I1" },
			false, 2, "Key", intake.ErrDuplicateKey, "row 1"},
		{"service key twice", func(s *connectors.IdentitySnapshot, o *intake.IdentityOptions) {
			s.ServiceAccounts = append(s.ServiceAccounts, connectors.ServiceAccount{Key: "I1", Unit: "U1", Login: "y", Valid: since("2022-01-01")})
		}, true, 1, "Key", intake.ErrDuplicateKey, ""},
		{"no key", func(s *connectors.IdentitySnapshot, o *intake.IdentityOptions) { s.Identities[2].Key = "" },
			false, 2, "Key", nil, "empty"},
		{"national id twice", func(s *connectors.IdentitySnapshot, o *intake.IdentityOptions) {
			s.Identities[2].NationalID = "0101901234"
		},
			false, 2, "NationalID", intake.ErrDuplicateNationalID, "010190-xxxx"},
		{"bad CPR, masked", func(s *connectors.IdentitySnapshot, o *intake.IdentityOptions) {
			s.Identities[2].NationalID = "0313803333"
		},
			false, 2, "NationalID", om.ErrInvalidCPR, "month 13"},
		{"control character", func(s *connectors.IdentitySnapshot, o *intake.IdentityOptions) { s.Identities[1].Surname = "a\u0085b" },
			false, 1, "Surname", nil, "control character"},
		{"invalid UTF-8", func(s *connectors.IdentitySnapshot, o *intake.IdentityOptions) { s.Identities[1].JobTitle = "\xc3(" },
			false, 1, "JobTitle", nil, "UTF-8"},
		{"key with a control character", func(s *connectors.IdentitySnapshot, o *intake.IdentityOptions) { s.Identities[2].Key = "I\x003" },
			false, 2, "Key", nil, "control character"},
		{"interval that holds no day", func(s *connectors.IdentitySnapshot, o *intake.IdentityOptions) {
			s.Identities[0].Valid = between("2024-01-01", "2024-01-01")
		},
			false, 0, "Valid", timeline.ErrInterval, ""},
		{"service account's interval", func(s *connectors.IdentitySnapshot, o *intake.IdentityOptions) {
			s.ServiceAccounts[0].Valid = timeline.Interval{}
		},
			true, 0, "Valid", timeline.ErrInterval, ""},
		{"GUID without a login", func(s *connectors.IdentitySnapshot, o *intake.IdentityOptions) { s.Identities[0].Login = "" },
			false, 0, "Login", nil, "logon name"},
		{"blank login", func(s *connectors.IdentitySnapshot, o *intake.IdentityOptions) { s.Identities[0].Login = "  " },
			false, 0, "Login", nil, "white space"},
		{"address without a value", func(s *connectors.IdentitySnapshot, o *intake.IdentityOptions) {
			s.Identities[0].Addresses[1].Value = ""
		},
			false, 0, "Addresses[1].Value", nil, "empty"},
		{"no name", func(s *connectors.IdentitySnapshot, o *intake.IdentityOptions) {
			s.Identities[2].GivenNames, s.Identities[2].Surname = "", " "
		},
			false, 2, "Surname", nil, "no name"},
		{"service account without a login", func(s *connectors.IdentitySnapshot, o *intake.IdentityOptions) { s.ServiceAccounts[0].Login = "" },
			true, 0, "Login", nil, "empty"},
		{"service account's unit unknown", func(s *connectors.IdentitySnapshot, o *intake.IdentityOptions) { s.ServiceAccounts[0].Unit = "U9" },
			true, 0, "Unit", intake.ErrUnitNotFound, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, opts := identities(), identityOptions()
			tc.change(s, &opts)
			snap, err := intake.Identities(omada, s, opts)
			require.Error(t, err)
			assert.Zero(t, snap, "no half snapshot")
			found := false
			for _, p := range problems(err) {
				var ie *intake.IdentityError
				require.ErrorAs(t, p, &ie, "every problem is typed: %v", p)
				if ie.ServiceAccount == tc.service && ie.Index == tc.index && ie.Field == tc.field {
					found = true
					if tc.is != nil {
						assert.ErrorIs(t, p, tc.is)
					}
					assert.Contains(t, p.Error(), tc.has)
				}
			}
			assert.True(t, found, "no problem with row %d %s in\n%v", tc.index, tc.field, err)
			assert.NotContains(t, err.Error(), "1234")
			assert.NotContains(t, err.Error(), "3333")
		})
	}
}

func TestIdentityOptionsValidate(t *testing.T) {
	assert.NoError(t, identityOptions().Validate())
	assert.Error(t, intake.IdentityOptions{AccountSystem: " "}.Validate())
	assert.Error(t, intake.IdentityOptions{TemporaryCategories: []string{"Vikar", "a\x00"}}.Validate())
	_, err := intake.Identities(omada, identities(), intake.IdentityOptions{AccountSystem: "\xff"})
	assert.Error(t, err)
	_, err = intake.Identities("", identities(), identityOptions())
	assert.Error(t, err)
	_, err = intake.Identities(omada, nil, identityOptions())
	assert.Error(t, err)
}

func TestIdentitiesImportAfterPayroll(t *testing.T) {
	m := om.New(om.Options{})
	pay, err := intake.Payroll(src, payroll(), intake.PayrollOptions{})
	require.NoError(t, err)
	idents, err := intake.Identities(omada, identities(), identityOptions())
	require.NoError(t, err)
	load(t, m, pay, idents)

	// Anne's identity is the payroll's P1, matched by her CPR: her account
	// and addresses are P1's, and there is no second Anne.
	g := m.Latest().At(d("2025-02-01"))
	p1 := id(om.KindPerson, "P1")
	_, ok := g.Person(oid(om.KindPerson, "I1"))
	assert.False(t, ok, "no second Anne")
	accounts := g.Accounts(p1)
	require.Len(t, accounts, 1)
	assert.Equal(t, om.AccountAttrs{System: adsync.System, Username: "anmo", ExternalID: guid1, Person: p1}, accounts[0].AccountAttrs)
	assert.Len(t, g.Addresses(p1), 3)

	// The temp is a person of Omada's, employed in U3 for the months of
	// the identity.
	u3 := id(om.KindUnit, "U3")
	var temps []om.Engagement
	for _, e := range g.UnitEngagements(u3) {
		if e.Source == omada {
			temps = append(temps, e)
		}
	}
	require.Len(t, temps, 1)
	assert.Equal(t, oid(om.KindPerson, "I2"), temps[0].Person)
	assert.Equal(t, between("2025-01-01", "2025-07-01"), temps[0].Validity)

	// The service account is U3's, as adsync looks for them.
	service := g.Accounts(u3)
	require.Len(t, service, 1)
	assert.Equal(t, guid3, service[0].ExternalID)
	assert.Equal(t, adsync.System, service[0].System)

	// A changed login is an update of the account.
	s := identities()
	s.Identities[0].Login = "anne"
	idents, err = intake.Identities(omada, s, identityOptions())
	require.NoError(t, err)
	cs, stats, err := om.Import(m.Latest(), idents, om.ImportOptions{Today: today})
	require.NoError(t, err)
	assert.Equal(t, 1, stats.Updated)
	_, err = m.Apply(ctx, cs, reg(m))
	require.NoError(t, err)
	assert.Equal(t, "anne", m.Latest().At(today).Accounts(p1)[0].Username)
}
