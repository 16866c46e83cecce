package sdloen

import "encoding/xml"

// The XML of SD's answers, as encoding/xml reads it. Tags name local
// names only, so the answers match with or without a namespace. Every
// element that can repeat is a slice; an empty element reads as "".

// window is the validity SD writes on every dated element: the first
// and the last day, both inclusive, ISO dates.
type window struct {
	Activation   string `xml:"ActivationDate"`
	Deactivation string `xml:"DeactivationDate"`
}

// organizationAnswer is GetOrganization20111201's answer: the payroll
// org tree, one Organization element per validity window.
type organizationAnswer struct {
	XMLName       xml.Name
	Organizations []organization `xml:"Organization"`
}

// organization is the tree in one window: each DepartmentReference is a
// branch, leaf first, with its parent nested inside.
type organization struct {
	window
	Branches []departmentRef `xml:"DepartmentReference"`
}

// departmentRef is one unit of a branch and, nested, its parent.
type departmentRef struct {
	ID     string         `xml:"DepartmentIdentifier"`
	UUID   string         `xml:"DepartmentUUIDIdentifier"`
	Level  string         `xml:"DepartmentLevelIdentifier"`
	Parent *departmentRef `xml:"DepartmentReference"`
}

// departmentAnswer is GetDepartment20111201's answer: the units with
// their names and levels, a row for each window.
type departmentAnswer struct {
	XMLName     xml.Name
	Departments []department `xml:"Department"`
}

// department is one window of a unit.
type department struct {
	window
	ID    string `xml:"DepartmentIdentifier"`
	UUID  string `xml:"DepartmentUUIDIdentifier"`
	Level string `xml:"DepartmentLevelIdentifier"`
	Name  string `xml:"DepartmentName"`
}

// personAnswer is GetPerson20111201's answer.
type personAnswer struct {
	XMLName xml.Name
	Persons []person `xml:"Person"`
}

// person is a person as SD has them on the effective date; SD keys a
// person by CPR number.
type person struct {
	CPR         string          `xml:"PersonCivilRegistrationIdentifier"`
	GivenName   string          `xml:"PersonGivenName"`
	Surname     string          `xml:"PersonSurnameName"`
	Employments []employmentRef `xml:"Employment"`
}

// employmentRef names an employment of a person.
type employmentRef struct {
	ID string `xml:"EmploymentIdentifier"`
}

// employmentAnswer is the answer of GetEmployment20111201 and of
// GetEmploymentChangedAtDate20111201: persons with their employments.
type employmentAnswer struct {
	XMLName xml.Name
	Persons []employmentPerson `xml:"Person"`
}

// employmentPerson is a person's employments.
type employmentPerson struct {
	CPR         string       `xml:"PersonCivilRegistrationIdentifier"`
	Employments []employment `xml:"Employment"`
}

// employment is one employment (ansættelse): each part carries its own
// windows and may repeat.
type employment struct {
	ID           string             `xml:"EmploymentIdentifier"`
	Date         string             `xml:"EmploymentDate"`
	Departments  []employmentDept   `xml:"EmploymentDepartment"`
	Professions  []profession       `xml:"Profession"`
	Statuses     []employmentStatus `xml:"EmploymentStatus"`
	WorkingTimes []workingTime      `xml:"WorkingTime"`
}

// employmentDept is the unit an employment is placed in, in a window.
type employmentDept struct {
	window
	ID   string `xml:"DepartmentIdentifier"`
	UUID string `xml:"DepartmentUUIDIdentifier"`
}

// profession is the job in a window: JobPositionIdentifier (a number of
// SD's catalogue) and EmploymentName (the title).
type profession struct {
	window
	JobPosition string `xml:"JobPositionIdentifier"`
	Name        string `xml:"EmploymentName"`
}

// employmentStatus is the employment's status code in a window.
type employmentStatus struct {
	window
	Code string `xml:"EmploymentStatusCode"`
}

// workingTime is the working time in a window; OccupationRate is the
// share of full time ("0.8108").
type workingTime struct {
	window
	OccupationRate string `xml:"OccupationRate"`
}

// envelope is a SOAP envelope, in which SD answers with a fault.
type envelope struct {
	Body struct {
		Fault *fault `xml:"Fault"`
	} `xml:"Body"`
}

// fault is a SOAP 1.1 fault.
type fault struct {
	Code   string `xml:"faultcode"`
	String string `xml:"faultstring"`
}
