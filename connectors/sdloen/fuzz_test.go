package sdloen

import (
	"testing"
	"time"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

func fuzzSettings() *settings {
	return &settings{historyFrom: timeline.MustDate(1970, 1, 1), divide: 8000, zone: timeline.DefaultZone(), now: time.Now}
}

// fuzzBuild decodes body as op's answer into the answers and builds a
// snapshot: it must not panic, and what it delivers must pass
// CheckPayroll (whatever it leaves out is in Skipped).
func fuzzBuild(t *testing.T, op string, body []byte) {
	a := &answers{}
	a.org.XMLName.Local, a.dep.XMLName.Local, a.per.XMLName.Local, a.empl.XMLName.Local = opOrganization, opDepartment, opPerson, opEmployment
	var v any
	switch op {
	case opOrganization:
		v = &a.org
	case opDepartment:
		v = &a.dep
	case opPerson:
		v = &a.per
	default:
		v = &a.empl
	}
	if err := decodeAnswer(op, body, v); err != nil {
		if connectors.KindOf(err) == connectors.Other && op == "" {
			t.Fatal(err)
		}
		return
	}
	c := &Connector{s: fuzzSettings()}
	st := c.build(a)
	if err := connectors.CheckPayroll(st.snap); err != nil {
		t.Fatalf("the snapshot does not pass the check: %v", err)
	}
	_ = digest(st.snap)
}

const (
	seedOrg = `<GetOrganization20111201 xmlns="urn:x"><Organization><ActivationDate>2020-01-01</ActivationDate><DeactivationDate>9999-12-31</DeactivationDate>` +
		`<DepartmentReference><DepartmentIdentifier>A</DepartmentIdentifier><DepartmentReference><DepartmentIdentifier>R</DepartmentIdentifier></DepartmentReference></DepartmentReference></Organization></GetOrganization20111201>`
	seedDep = `<GetDepartment20111201><Department><ActivationDate>2020-01-01</ActivationDate><DeactivationDate>9999-12-31</DeactivationDate>` +
		`<DepartmentIdentifier>A</DepartmentIdentifier><DepartmentLevelIdentifier>Afdelings-niveau</DepartmentLevelIdentifier><DepartmentName>Æblehaven</DepartmentName></Department></GetDepartment20111201>`
	seedPer = `<GetPerson20111201><Person><PersonCivilRegistrationIdentifier>0101901234</PersonCivilRegistrationIdentifier><PersonGivenName>Åse</PersonGivenName>` +
		`<PersonSurnameName/><Employment><EmploymentIdentifier>1</EmploymentIdentifier></Employment></Person></GetPerson20111201>`
	seedEmp = `<GetEmployment20111201><Person><PersonCivilRegistrationIdentifier>0101901234</PersonCivilRegistrationIdentifier><Employment><EmploymentIdentifier>1</EmploymentIdentifier>` +
		`<EmploymentDepartment changedAtDate="2020-01-01"><ActivationDate>2020-01-01</ActivationDate><DeactivationDate>9999-12-31</DeactivationDate><DepartmentIdentifier>A</DepartmentIdentifier></EmploymentDepartment>` +
		`<Profession><ActivationDate>2020-01-01</ActivationDate><DeactivationDate>9999-12-31</DeactivationDate><JobPositionIdentifier>1040</JobPositionIdentifier><EmploymentName>Leder</EmploymentName></Profession>` +
		`<EmploymentStatus><ActivationDate>2020-01-01</ActivationDate><DeactivationDate>2020-12-31</DeactivationDate><EmploymentStatusCode>0</EmploymentStatusCode></EmploymentStatus>` +
		`<EmploymentStatus><ActivationDate>2021-01-01</ActivationDate><DeactivationDate>9999-12-31</DeactivationDate><EmploymentStatusCode>3</EmploymentStatusCode></EmploymentStatus>` +
		`<WorkingTime><ActivationDate>2020-01-01</ActivationDate><DeactivationDate>9999-12-31</DeactivationDate><OccupationRate>0,5</OccupationRate></WorkingTime></Employment></Person></GetEmployment20111201>`
)

func FuzzOrganization(f *testing.F) {
	f.Add([]byte(seedOrg))
	f.Add([]byte(`<GetOrganization20111201><Organization><ActivationDate>2020-01-01</ActivationDate><DepartmentReference><DepartmentIdentifier>A</DepartmentIdentifier><DepartmentReference><DepartmentIdentifier>A</DepartmentIdentifier></DepartmentReference></DepartmentReference></Organization></GetOrganization20111201>`))
	f.Fuzz(func(t *testing.T, b []byte) { fuzzBuild(t, opOrganization, b) })
}

func FuzzDepartment(f *testing.F) {
	f.Add([]byte(seedDep))
	f.Add([]byte(`<GetDepartment20111201><Department><ActivationDate>2020-13-01</ActivationDate><DepartmentIdentifier></DepartmentIdentifier></Department></GetDepartment20111201>`))
	f.Fuzz(func(t *testing.T, b []byte) { fuzzBuild(t, opDepartment, b) })
}

func FuzzPerson(f *testing.F) {
	f.Add([]byte(seedPer))
	f.Add([]byte(`<GetPerson20111201><Person><PersonCivilRegistrationIdentifier/></Person></GetPerson20111201>`))
	f.Fuzz(func(t *testing.T, b []byte) { fuzzBuild(t, opPerson, b) })
}

func FuzzEmployment(f *testing.F) {
	f.Add([]byte(seedEmp))
	f.Add([]byte(`<GetEmployment20111201><Person><Employment><EmploymentIdentifier>x</EmploymentIdentifier><EmploymentStatus><ActivationDate>2020-01-01</ActivationDate><EmploymentStatusCode>S</EmploymentStatusCode></EmploymentStatus></Employment></Person></GetEmployment20111201>`))
	f.Fuzz(func(t *testing.T, b []byte) { fuzzBuild(t, opEmployment, b) })
}

// The whole build, from all four answers at once.
func FuzzSnapshot(f *testing.F) {
	f.Add([]byte(seedOrg), []byte(seedDep), []byte(seedPer), []byte(seedEmp))
	f.Fuzz(func(t *testing.T, org, dep, per, emp []byte) {
		a := &answers{}
		for _, x := range []struct {
			op string
			b  []byte
			v  any
		}{{opOrganization, org, &a.org}, {opDepartment, dep, &a.dep}, {opPerson, per, &a.per}, {opEmployment, emp, &a.empl}} {
			if decodeAnswer(x.op, x.b, x.v) != nil {
				return
			}
		}
		st := (&Connector{s: fuzzSettings()}).build(a)
		if err := connectors.CheckPayroll(st.snap); err != nil {
			t.Fatalf("the snapshot does not pass the check: %v", err)
		}
	})
}

func FuzzFault(f *testing.F) {
	f.Add([]byte(`<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body><S:Fault><faultcode>S:Client</faultcode><faultstring>bad</faultstring></S:Fault></S:Body></S:Envelope>`), 500)
	f.Fuzz(func(t *testing.T, b []byte, status int) {
		if fl := parseFault(b); fl != nil {
			err := faultError(opPerson, status, fl)
			if k := connectors.KindOf(err); k != connectors.Configuration && k != connectors.Transient {
				t.Fatalf("a fault of kind %v", k)
			}
		}
	})
}

func FuzzToken(f *testing.F) {
	f.Add("sdloen/1:2026-11-22T07:30:0011223344556677")
	f.Add("sdloen/1:2026-11-22T07:30:zz")
	f.Fuzz(func(t *testing.T, s string) {
		loc := timeline.DefaultZone().Location()
		p, err := parseToken(connectors.Token(s), loc)
		if err != nil {
			return
		}
		q, err := parseToken(p.token(), loc)
		if err != nil || !q.cursor.Equal(p.cursor) || q.digest != p.digest {
			t.Fatalf("%q does not round-trip: %v", s, err)
		}
	})
}
