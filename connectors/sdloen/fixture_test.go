package sdloen_test

import (
	"crypto/x509"
	"time"

	"github.com/orgsync/orgsync/connectors/sdloen/sdtest"
)

func rootCAs(s *sdtest.Server) *x509.CertPool {
	pool := x509.NewCertPool()
	pool.AddCert(s.Certificate())
	return pool
}

const open9999 = "9999-12-31"

// municipality is a small SD institution with the shapes SD sends: a
// tree with a `_leder` unit and a rename, persons with several
// employments, status changes (0 → 1, leave, 8), empty elements, and
// records that are malformed.
func municipality() *sdtest.Data {
	reg := time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)
	return &sdtest.Data{
		Departments: []sdtest.Department{
			{ID: "HJ", Level: "NY5-niveau", Name: "Hjørring Kommune", From: "2007-01-01", To: open9999},
			{ID: "SKOL", Level: "NY3-niveau", Name: "Skoler", From: "2007-01-01", To: "2026-02-28"},
			{ID: "SKOL", Level: "NY3-niveau", Name: "Skoler og Dagtilbud", From: "2026-03-01", To: open9999},
			{ID: "SØ1", Level: "Afdelings-niveau", Name: "Søskolen", From: "2010-01-01", To: open9999},
			{ID: "SØ1L", Level: "Afdelings-niveau", Name: "Søskolen_leder", From: "2010-01-01", To: open9999},
			{ID: "ÆLD", Level: "Afdelings-niveau", Name: "Ældreplejen Øst", From: "2007-01-01", To: open9999},
			{ID: "BAD", Level: "Afdelings-niveau", Name: "Dårlig dato", From: "2007-13-01", To: open9999},
			{ID: "NONAME", Level: "Afdelings-niveau", Name: "", From: "2007-01-01", To: open9999},
		},
		Organization: []sdtest.Window{{From: "2007-01-01", To: open9999, Branches: [][]string{
			{"SØ1", "SKOL", "HJ"}, {"SØ1L", "SØ1", "SKOL", "HJ"}, {"ÆLD", "HJ"},
		}}},
		Persons: []sdtest.Person{
			{CPR: "0101901234", GivenName: "Karina", Surname: "Jensen-Østergård", Employments: []sdtest.Employment{
				{ID: "01001", Registered: reg,
					Departments:  []sdtest.Part{{From: "2010-08-01", To: "2024-07-31", Value: "SØ1"}, {From: "2024-08-01", To: open9999, Value: "SØ1L"}},
					Professions:  []sdtest.Part{{From: "2010-08-01", To: "2024-07-31", Value: "Lærer", Extra: "5001"}, {From: "2024-08-01", To: open9999, Value: "Skoleleder", Extra: "1040"}},
					Statuses:     []sdtest.Part{{From: "2010-08-01", To: "2010-08-31", Value: "0"}, {From: "2010-09-01", To: "2024-02-29", Value: "1"}, {From: "2024-03-01", To: "2024-08-31", Value: "3"}, {From: "2024-09-01", To: open9999, Value: "1"}},
					WorkingTimes: []sdtest.Part{{From: "2010-08-01", To: open9999, Value: "1.0000"}}},
				{ID: "98001", Registered: reg, // an hourly job beside it
					Departments:  []sdtest.Part{{From: "2020-01-01", To: open9999, Value: "ÆLD"}},
					Professions:  []sdtest.Part{{From: "2020-01-01", To: open9999, Value: "Vikar", Extra: "9001"}},
					Statuses:     []sdtest.Part{{From: "2020-01-01", To: "2025-06-30", Value: "1"}, {From: "2025-07-01", To: open9999, Value: "8"}},
					WorkingTimes: []sdtest.Part{{From: "2020-01-01", To: open9999, Value: "0,3700"}}},
			}},
			{CPR: "0202922345", GivenName: "Søren", Surname: "Ågård", Employments: []sdtest.Employment{
				{ID: "01002", Registered: reg, // hired, starts next month, not yet paid
					Departments: []sdtest.Part{{From: "2026-12-01", To: open9999, Value: "ÆLD"}},
					Professions: []sdtest.Part{{From: "2026-12-01", To: open9999, Value: "Social- og sundhedsassistent", Extra: "4001"}},
					Statuses:    []sdtest.Part{{From: "2026-12-01", To: open9999, Value: "0"}}},
			}},
			{CPR: "0303933456", GivenName: "", Surname: "Ønskeløs", Employments: []sdtest.Employment{
				{ID: "01003", Registered: reg, // a bad occupation rate
					Departments:  []sdtest.Part{{From: "2015-01-01", To: open9999, Value: "ÆLD"}},
					Statuses:     []sdtest.Part{{From: "2015-01-01", To: open9999, Value: "1"}},
					WorkingTimes: []sdtest.Part{{From: "2015-01-01", To: open9999, Value: "37"}}},
				{ID: "01004", Registered: reg, // in a department that is malformed
					Departments: []sdtest.Part{{From: "2015-01-01", To: open9999, Value: "BAD"}},
					Statuses:    []sdtest.Part{{From: "2015-01-01", To: open9999, Value: "1"}}},
				{ID: "01005", Registered: reg, // deleted
					Departments: []sdtest.Part{{From: "2015-01-01", To: open9999, Value: "ÆLD"}},
					Statuses:    []sdtest.Part{{From: "2015-01-01", To: open9999, Value: "S"}}},
				{ID: "01006", Registered: reg, // an unknown status
					Departments: []sdtest.Part{{From: "2015-01-01", To: open9999, Value: "ÆLD"}},
					Statuses:    []sdtest.Part{{From: "2015-01-01", To: open9999, Value: "X"}}},
				{ID: "01007", Registered: reg, // good
					Departments: []sdtest.Part{{From: "2016-01-01", To: open9999, Value: "SØ1"}},
					Statuses:    []sdtest.Part{{From: "2016-01-01", To: open9999, Value: "1"}}},
			}},
			{CPR: "0404944567", GivenName: "Dobbelt", Surname: "Ansat", Employments: []sdtest.Employment{
				{ID: "01010", Registered: reg, // the same employment id twice
					Departments: []sdtest.Part{{From: "2015-01-01", To: open9999, Value: "ÆLD"}},
					Statuses:    []sdtest.Part{{From: "2015-01-01", To: open9999, Value: "1"}}},
				{ID: "01010", Registered: reg,
					Departments: []sdtest.Part{{From: "2016-01-01", To: open9999, Value: "ÆLD"}},
					Statuses:    []sdtest.Part{{From: "2016-01-01", To: open9999, Value: "1"}}},
				{ID: "01008", Registered: reg, // overlapping windows
					Departments: []sdtest.Part{{From: "2015-01-01", To: open9999, Value: "ÆLD"}, {From: "2016-01-01", To: open9999, Value: "SØ1"}},
					Statuses:    []sdtest.Part{{From: "2015-01-01", To: open9999, Value: "1"}}},
				{ID: "01009", Registered: reg, // a date that does not parse
					Departments: []sdtest.Part{{From: "2015-02-30", To: open9999, Value: "ÆLD"}},
					Statuses:    []sdtest.Part{{From: "2015-01-01", To: open9999, Value: "1"}}},
			}},
		},
	}
}
