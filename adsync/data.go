package adsync

import (
	"strings"
	"text/template"

	"github.com/google/uuid"

	"github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// Data is what a mapping template sees of one person on one day. It holds
// no national id: a template gets one only by calling the cpr function,
// so a CPR number reaches AD only where the operator mapped it on purpose.
type Data struct {
	// Day is the day the state is computed for.
	Day timeline.Date
	// Person is the person.
	Person Person
	// Primary is the person's primary engagement on the day (the zero
	// Engagement if none).
	Primary Engagement
	// Unit is the unit of the primary engagement.
	Unit Unit
	// Ancestors are the unit's ancestors, nearest first.
	Ancestors []Unit
	// ManagerDN is the DN of the account of the person's manager (with
	// inheritance and exclude-self), or "" if there is none or the manager
	// has no account yet.
	ManagerDN string
	// Username is the account's sAMAccountName (known after creation, or
	// generated for it).
	Username string

	nationalID orgmodel.CPR
}

// Person is a person's names.
type Person struct {
	// ID is the person's id in the org model.
	ID string
	// GivenNames are all given names.
	GivenNames string
	// Surname is the family name.
	Surname string
	// Nickname is the given names and surname the person goes by, if set.
	NicknameGivenNames string
	// NicknameSurname is the surname the person goes by, if set.
	NicknameSurname string
}

// Engagement is an engagement as templates see it.
type Engagement struct {
	// ID is the engagement's id.
	ID string
	// EmploymentNumber is the payroll's number for it.
	EmploymentNumber string
	// JobFunction is the job function.
	JobFunction string
	// Type is the engagement type.
	Type string
	// Fraction is the share of full time.
	Fraction float64
}

// Unit is a unit as templates see it.
type Unit struct {
	// ID is the unit's id.
	ID string
	// UserKey is the unit's user key (its number).
	UserKey string
	// Name is the unit's name.
	Name string
	// Type, Level and Hierarchy are the unit's classes.
	Type string
	// Level is the unit level.
	Level string
	// Hierarchy is the hierarchy class.
	Hierarchy string
}

// Funcs are the helper functions templates may call.
var Funcs = template.FuncMap{
	// cpr reveals the person's national id, for an operator who maps it
	// explicitly (employeeID in some municipalities).
	"cpr": func(d *Data) string { return d.nationalID.Reveal() },
	// root returns the top ancestor of the person's unit (the unit itself
	// for a root).
	"root": func(d *Data) Unit {
		if n := len(d.Ancestors); n > 0 {
			return d.Ancestors[n-1]
		}
		return d.Unit
	},
	// level returns the nearest unit, the person's own or an ancestor,
	// whose level is the given one ("NY3-niveau"), or the zero Unit.
	"level": func(d *Data, level string) Unit {
		if d.Unit.Level == level {
			return d.Unit
		}
		for _, u := range d.Ancestors {
			if u.Level == level {
				return u
			}
		}
		return Unit{}
	},
	"lower":   strings.ToLower,
	"upper":   strings.ToUpper,
	"trim":    strings.TrimSpace,
	"replace": strings.ReplaceAll,
	"join":    strings.Join,
	// default returns def when v is empty.
	"default": func(def, v string) string {
		if v == "" {
			return def
		}
		return v
	},
	// initials returns the first letter of each word of s.
	"initials": func(s string) string {
		var b strings.Builder
		for _, w := range strings.Fields(s) {
			r := []rune(w)
			b.WriteRune(r[0])
		}
		return b.String()
	},
}

// sampleData is a Data with every field set, for checking templates at
// load.
func sampleData() *Data {
	u := Unit{ID: uuid.NewString(), UserKey: "1", Name: "Enhed", Type: "Afdeling", Level: "NY1-niveau", Hierarchy: "linjeorg"}
	return &Data{
		Day:       timeline.MustParseDate("2026-01-01"),
		Person:    Person{ID: uuid.NewString(), GivenNames: "Anne Sofie", Surname: "Hansen", NicknameGivenNames: "Anne", NicknameSurname: "Hansen"},
		Primary:   Engagement{ID: uuid.NewString(), EmploymentNumber: "00001", JobFunction: "Lærer", Type: "Månedsløn", Fraction: 1},
		Unit:      u,
		Ancestors: []Unit{u},
		ManagerDN: "CN=Leder,OU=Enhed,DC=example,DC=org",
		Username:  "anha",
	}
}
