package adsync

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"text/template"

	"github.com/orgsync/orgsync/connectors"
)

// Mapping is what the operator writes: how the org model's facts become an
// account's attributes, where the account lives and whether it is
// enabled. Attribute values are Go text/template expressions over [Data],
// with the helper functions of [Funcs].
//
//	attributes:
//	  givenName: "{{.Person.GivenNames}}"
//	  sn: "{{.Person.Surname}}"
//	  displayName: "{{.Person.GivenNames}} {{.Person.Surname}}"
//	  title: "{{.Primary.JobFunction}}"
//	  department: "{{.Unit.Name}}"
//	  company: "{{(root .).Name}}"
//	  manager: "{{.ManagerDN}}"
//	  employeeNumber: "{{.Primary.EmploymentNumber}}"
//
// An empty result clears the attribute.
type Mapping struct {
	// Attributes maps an AD attribute to its template.
	Attributes map[string]string `json:"attributes" yaml:"attributes"`
	// EnableDaysBefore enables a new employee's account this many days
	// before the first engagement starts, so it is ready on day one.
	EnableDaysBefore int `json:"enable_days_before" yaml:"enable_days_before"`

	templates map[string]*template.Template
	order     []string
}

// reserved are the attributes the engine writes itself, never a mapping.
var reserved = map[string]string{
	"objectclass":        "the engine creates user objects",
	"useraccountcontrol": "the engine enables and disables accounts",
	"samaccountname":     "it comes from the username generator, at creation only",
	"unicodepwd":         "passwords are not mapped",
	"memberof":           "group memberships come from the group rules",
	"distinguishedname":  "the OU rules place accounts",
}

// MappingError is a template that cannot be used, with where and why.
type MappingError struct {
	// Attribute is the attribute whose template is at fault.
	Attribute string
	// Err is the problem, with the template's line where there is one.
	Err error
}

// Error names the attribute and the problem.
func (e *MappingError) Error() string {
	return fmt.Sprintf("adsync: mapping of %s: %v", e.Attribute, e.Err)
}

// Unwrap returns the problem.
func (e *MappingError) Unwrap() error { return e.Err }

// Compile parses and checks every template: a template that does not
// parse, names an attribute badly, or refers to a field or function that
// does not exist is rejected here, at load, not when a person is synced.
// Every problem is reported.
func (m *Mapping) Compile() error {
	var errs []error
	m.templates = make(map[string]*template.Template, len(m.Attributes))
	m.order = m.order[:0]
	for attr, src := range m.Attributes {
		if err := connectors.CheckAttributeNames("mapping", []string{attr}); err != nil {
			errs = append(errs, &MappingError{Attribute: attr, Err: err})
			continue
		}
		if why, ok := reserved[strings.ToLower(attr)]; ok {
			errs = append(errs, &MappingError{Attribute: attr, Err: errors.New("not mappable: " + why)})
			continue
		}
		t, err := template.New(attr).Funcs(Funcs).Option("missingkey=error").Parse(src)
		if err != nil {
			errs = append(errs, &MappingError{Attribute: attr, Err: err})
			continue
		}
		// Execute against a sample with every field filled: a field or
		// method that does not exist fails now, with its line.
		if _, err := render(t, sampleData()); err != nil {
			errs = append(errs, &MappingError{Attribute: attr, Err: err})
			continue
		}
		m.templates[attr] = t
		m.order = append(m.order, attr)
	}
	sort.Strings(m.order)
	if m.EnableDaysBefore < 0 {
		errs = append(errs, configErr("enable_days_before", errors.New("must not be negative")))
	}
	sort.Slice(errs, func(i, j int) bool { return errs[i].Error() < errs[j].Error() })
	return errors.Join(errs...)
}

// render executes a template and trims the result.
func render(t *template.Template, d *Data) (string, error) {
	var b strings.Builder
	if err := t.Execute(&b, d); err != nil {
		return "", err
	}
	return strings.TrimSpace(b.String()), nil
}

// Render returns the attributes the mapping gives the data, in attribute
// order. A template that fails for this person (say, {{.Primary.Unit}} for
// a person without an engagement) is an error for the person only.
func (m *Mapping) Render(d *Data) ([]connectors.Attribute, error) {
	if m.templates == nil {
		return nil, errors.New("adsync: the mapping was not compiled")
	}
	out := make([]connectors.Attribute, 0, len(m.order))
	for _, attr := range m.order {
		v, err := render(m.templates[attr], d)
		if err != nil {
			return nil, &MappingError{Attribute: attr, Err: err}
		}
		a := connectors.Attribute{Name: attr}
		if v != "" {
			a.Values = []string{v}
		}
		out = append(out, a)
	}
	return out, nil
}
