package sdtest

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"strings"
	"time"
)

// Data is what the server holds, in SD's terms. Dates are ISO days, as
// SD's answers write them; a To is the last day, inclusive, and
// "9999-12-31" is no end.
type Data struct {
	// Departments are GetDepartment's rows, a unit's history as several.
	Departments []Department
	// Organization are GetOrganization's windows of the tree.
	Organization []Window
	// Persons are the persons, with their employments.
	Persons []Person
}

// Department is one window of a unit.
type Department struct {
	ID    string // DepartmentIdentifier
	UUID  string // DepartmentUUIDIdentifier
	Level string // DepartmentLevelIdentifier
	Name  string // DepartmentName
	From  string // ActivationDate
	To    string // DeactivationDate, the last day
}

// Window is the tree in one window: each branch is a list of
// department ids, leaf first, each the child of the next.
type Window struct {
	From     string     // ActivationDate
	To       string     // DeactivationDate, the last day
	Branches [][]string // the branches, leaf first
}

// Person is a person (by CPR number) and their employments.
type Person struct {
	CPR         string       // PersonCivilRegistrationIdentifier
	GivenName   string       // PersonGivenName
	Surname     string       // PersonSurnameName
	Employments []Employment // the person's employments
}

// Employment is an employment with its parts, each a list of windows.
type Employment struct {
	// ID is the EmploymentIdentifier.
	ID string
	// Registered is when its latest change was registered, which
	// GetEmploymentChangedAtDate asks about.
	Registered   time.Time
	Departments  []Part // Value: the DepartmentIdentifier
	Professions  []Part // Value: the EmploymentName; Extra: JobPositionIdentifier
	Statuses     []Part // Value: the EmploymentStatusCode
	WorkingTimes []Part // Value: the OccupationRate
}

// Part is one window of a part of an employment.
type Part struct {
	From  string // ActivationDate
	To    string // DeactivationDate, the last day
	Value string // the part's value, as Employment says
	Extra string // a second value, as Employment says
}

// render writes operation op's answer. For the changed-at operation
// only the employments registered in [from, to] are in it.
func (d *Data) render(op, institution string, from, to time.Time) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+`<%s xmlns="%s" creationDateTime="2026-11-22T06:10:00">`, op, Namespace)
	fmt.Fprintf(&b, `<RequestStructure><InstitutionIdentifier>%s</InstitutionIdentifier></RequestStructure>`, escape(institution))
	switch op {
	case "GetOrganization20111201":
		levels := map[string]string{}
		for _, dep := range d.Departments {
			levels[dep.ID] = dep.Level
		}
		fmt.Fprintf(&b, `<InstitutionIdentifier>%s</InstitutionIdentifier><DepartmentStructureName>%s-Basis</DepartmentStructureName>`, escape(institution), escape(institution))
		b.WriteString(`<OrganizationStructure><DepartmentLevelReference><DepartmentLevelIdentifier>Afdelings-niveau</DepartmentLevelIdentifier><DepartmentLevelReference><DepartmentLevelIdentifier>NY1-niveau</DepartmentLevelIdentifier></DepartmentLevelReference></DepartmentLevelReference></OrganizationStructure>`)
		for _, w := range d.Organization {
			fmt.Fprintf(&b, `<Organization><ActivationDate>%s</ActivationDate><DeactivationDate>%s</DeactivationDate>`, w.From, w.To)
			for _, br := range w.Branches {
				for _, id := range br {
					fmt.Fprintf(&b, `<DepartmentReference><DepartmentIdentifier>%s</DepartmentIdentifier><DepartmentUUIDIdentifier/><DepartmentLevelIdentifier>%s</DepartmentLevelIdentifier>`, escape(id), escape(levels[id]))
				}
				b.WriteString(strings.Repeat(`</DepartmentReference>`, len(br)))
			}
			b.WriteString(`</Organization>`)
		}
	case "GetDepartment20111201":
		for _, dep := range d.Departments {
			fmt.Fprintf(&b, `<Department><ActivationDate>%s</ActivationDate><DeactivationDate>%s</DeactivationDate><DepartmentIdentifier>%s</DepartmentIdentifier><DepartmentUUIDIdentifier>%s</DepartmentUUIDIdentifier><DepartmentLevelIdentifier>%s</DepartmentLevelIdentifier><DepartmentName>%s</DepartmentName><ContactInformation><EmailAddressIdentifier>Empty@Empty</EmailAddressIdentifier></ContactInformation></Department>`,
				dep.From, dep.To, escape(dep.ID), escape(dep.UUID), escape(dep.Level), escape(dep.Name))
		}
	case "GetPerson20111201":
		for _, p := range d.Persons {
			fmt.Fprintf(&b, `<Person><PersonCivilRegistrationIdentifier>%s</PersonCivilRegistrationIdentifier><PersonGivenName>%s</PersonGivenName><PersonSurnameName>%s</PersonSurnameName>`,
				escape(p.CPR), escape(p.GivenName), escape(p.Surname))
			for _, e := range p.Employments {
				fmt.Fprintf(&b, `<Employment><EmploymentIdentifier>%s</EmploymentIdentifier></Employment>`, escape(e.ID))
			}
			b.WriteString(`</Person>`)
		}
	default: // GetEmployment20111201, GetEmploymentChangedAtDate20111201
		changed := op == opChangedAt
		for _, p := range d.Persons {
			var emps []Employment
			for _, e := range p.Employments {
				if !changed || (!e.Registered.Before(from) && !e.Registered.After(to)) {
					emps = append(emps, e)
				}
			}
			if len(emps) == 0 {
				continue
			}
			fmt.Fprintf(&b, `<Person><PersonCivilRegistrationIdentifier>%s</PersonCivilRegistrationIdentifier>`, escape(p.CPR))
			for _, e := range emps {
				writeEmployment(&b, e)
			}
			b.WriteString(`</Person>`)
		}
	}
	fmt.Fprintf(&b, `</%s>`, op)
	return b.Bytes()
}

func writeEmployment(b *bytes.Buffer, e Employment) {
	fmt.Fprintf(b, `<Employment><EmploymentIdentifier>%s</EmploymentIdentifier><EmploymentDate>2010-01-01</EmploymentDate><AnniversaryDate>2010-01-01</AnniversaryDate>`, escape(e.ID))
	part := func(name, inner string, p Part) {
		fmt.Fprintf(b, `<%s changedAtDate="2026-11-01"><ActivationDate>%s</ActivationDate><DeactivationDate>%s</DeactivationDate>%s</%s>`, name, p.From, p.To, inner, name)
	}
	for _, p := range e.Departments {
		part("EmploymentDepartment", fmt.Sprintf(`<DepartmentIdentifier>%s</DepartmentIdentifier><DepartmentUUIDIdentifier/>`, escape(p.Value)), p)
	}
	for _, p := range e.Professions {
		part("Profession", fmt.Sprintf(`<JobPositionIdentifier>%s</JobPositionIdentifier><EmploymentName>%s</EmploymentName><AppointmentCode>0</AppointmentCode>`, escape(p.Extra), escape(p.Value)), p)
	}
	for _, p := range e.Statuses {
		part("EmploymentStatus", fmt.Sprintf(`<EmploymentStatusCode>%s</EmploymentStatusCode>`, escape(p.Value)), p)
	}
	for _, p := range e.WorkingTimes {
		part("WorkingTime", fmt.Sprintf(`<OccupationRate>%s</OccupationRate><SalaryRate>%s</SalaryRate>`, escape(p.Value), escape(p.Value)), p)
	}
	b.WriteString(`</Employment>`)
}

func escape(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}
