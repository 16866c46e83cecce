package notify

import (
	htmltemplate "html/template"
	"time"

	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// sampleData fills every field, so that checking a template on it runs
// every field reference and every range body once.
func sampleData() Data {
	unit := UnitData{Name: "Skolen ved Søen", UserKey: "1234", Path: "Sjølund Kommune / Børn og Unge / Skolen ved Søen", Type: "Afdeling", ID: "00000000-0000-4000-8000-000000000001"}
	eng := EngagementData{EmploymentNumber: "00042", JobFunction: "Lærer", Type: "Månedsløn", Unit: unit,
		From: timeline.MustDate(2027, 2, 1), Until: timeline.MustDate(2027, 7, 31)}
	return Data{
		Rule: "sample", Trigger: PersonCreated, Registered: time.Date(2027, 1, 15, 9, 30, 0, 0, time.UTC), Actor: "sd-import",
		Day: timeline.MustDate(2027, 2, 1), Retroactive: true,
		Person: PersonData{Name: "Åse Ørsted", GivenNames: "Åse", Surname: "Ørsted", CPR: "010190-xxxx",
			Emails: []string{"aaor@sjolund.dk"}, ID: "00000000-0000-4000-8000-000000000002"},
		Engagement: eng, Engagements: []EngagementData{eng}, Unit: unit,
		Account: AccountData{System: "Active Directory", Username: "aaor", Email: "aaor@sjolund.dk"},
		Email:   "aaor@sjolund.dk", Periods: []string{"2027-01-01–2027-03-31"},
	}
}

// DigestData is what the digest template sees: the notices of one group,
// each already written by its own template.
type DigestData struct {
	// Rule is the rule whose notices these are.
	Rule string
	// Count is how many notices there are.
	Count int
	// First and Last are when the first and the last were held.
	First time.Time
	// Last is when the last notice was held.
	Last time.Time
	// Notices are the notices, oldest first.
	Notices []DigestNotice
}

// DigestNotice is one notice in a digest.
type DigestNotice struct {
	// Subject is the notice's subject.
	Subject string
	// Text is its plain text.
	Text string
	// HTML is its HTML part, already escaped by its own template.
	HTML htmltemplate.HTML
}

func sampleDigest() DigestData {
	t := time.Date(2027, 1, 15, 9, 30, 0, 0, time.UTC)
	return DigestData{Rule: "sample", Count: 1, First: t, Last: t,
		Notices: []DigestNotice{{Subject: "Ny medarbejder: Åse Ørsted", Text: "Åse Ørsted …\n", HTML: "<p>Åse Ørsted …</p>"}}}
}
