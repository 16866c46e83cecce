package sdloen_test

import (
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/orgsync/orgsync/connectors/sdloen"
	"github.com/orgsync/orgsync/connectors/sdloen/sdtest"
)

// bulk returns an institution of n employments: n/50 departments under
// 10 NY units, 4 employments for every 3 persons, each employment with a
// status history (0 → 1, some on leave, some gone) and a change of job.
func bulk(n int) *sdtest.Data {
	d := &sdtest.Data{}
	d.Departments = append(d.Departments, sdtest.Department{ID: "ROOT", Level: "NY5-niveau", Name: "Sjølund Kommune", From: "2000-01-01", To: open9999})
	w := sdtest.Window{From: "2000-01-01", To: open9999}
	depts := max(n/50, 1)
	for i := range 10 {
		d.Departments = append(d.Departments, sdtest.Department{ID: fmt.Sprintf("NY%02d", i), Level: "NY3-niveau", Name: fmt.Sprintf("Område %d Øst", i), From: "2000-01-01", To: open9999})
	}
	for i := range depts {
		id := fmt.Sprintf("A%05d", i)
		d.Departments = append(d.Departments,
			sdtest.Department{ID: id, Level: "Afdelings-niveau", Name: fmt.Sprintf("Børnehuset Ærtebjerg %d", i), From: "2000-01-01", To: "2025-12-31"},
			sdtest.Department{ID: id, Level: "Afdelings-niveau", Name: fmt.Sprintf("Børnehuset Åløkke %d", i), From: "2026-01-01", To: open9999})
		w.Branches = append(w.Branches, []string{id, fmt.Sprintf("NY%02d", i%10), "ROOT"})
	}
	d.Organization = []sdtest.Window{w}
	reg := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	persons := n * 3 / 4
	d.Persons = make([]sdtest.Person, persons)
	for i := range persons {
		d.Persons[i] = sdtest.Person{CPR: fmt.Sprintf("%02d%02d%02d%04d", i%28+1, i%12+1, 50+i%40, i%10000), GivenName: "Mette Søs", Surname: fmt.Sprintf("Ærbø-%d", i)}
	}
	for e := range n {
		p := &d.Persons[e%persons]
		st := []sdtest.Part{{From: "2015-01-01", To: "2015-01-31", Value: "0"}, {From: "2015-02-01", To: open9999, Value: "1"}}
		switch e % 10 {
		case 3:
			st = []sdtest.Part{st[0], {From: "2015-02-01", To: "2022-05-31", Value: "1"}, {From: "2022-06-01", To: "2022-12-31", Value: "3"}, {From: "2023-01-01", To: open9999, Value: "1"}}
		case 7:
			st = []sdtest.Part{st[0], {From: "2015-02-01", To: "2024-03-31", Value: "1"}, {From: "2024-04-01", To: open9999, Value: "8"}}
		}
		p.Employments = append(p.Employments, sdtest.Employment{ID: fmt.Sprintf("%05d", e), Registered: reg,
			Departments:  []sdtest.Part{{From: "2015-01-01", To: open9999, Value: fmt.Sprintf("A%05d", e%depts)}},
			Professions:  []sdtest.Part{{From: "2015-01-01", To: "2019-12-31", Value: "Pædagogmedhjælper", Extra: "3001"}, {From: "2020-01-01", To: open9999, Value: "Pædagog", Extra: "3002"}},
			Statuses:     st,
			WorkingTimes: []sdtest.Part{{From: "2015-01-01", To: open9999, Value: "0.8108"}}})
	}
	return d
}

// BenchmarkSnapshot50k is a full import of 50,000 employments from a fake
// SD over TLS, beside the raw cost of the same four answers: a bare GET
// and an encoding/xml token scan of each.
func BenchmarkSnapshot50k(b *testing.B) {
	const n = 50000
	c, srv, _ := open(b, bulk(n))
	ctx := context.Background()
	ops := []string{"GetOrganization20111201", "GetDepartment20111201", "GetPerson20111201", "GetEmployment20111201"}
	client := srv.Client()
	raw := func() int64 {
		var bytes int64
		for _, op := range ops {
			req, _ := http.NewRequest(http.MethodGet, srv.URL+"/sdws/"+op+"?InstitutionIdentifier=XY&ActivationDate=01.01.1970&DeactivationDate=31.12.9999&UUIDIndicator=true&DepartmentNameIndicator=true&EffectiveDate=22.11.2026&StatusActiveIndicator=true&StatusPassiveIndicator=true&DepartmentIndicator=true&EmploymentStatusIndicator=true&ProfessionIndicator=true&WorkingTimeIndicator=true", nil)
			req.SetBasicAuth("SYtest", "hemmeligt æøå")
			resp, err := client.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			dec := xml.NewDecoder(resp.Body)
			for {
				if _, err := dec.Token(); err == io.EOF {
					break
				} else if err != nil {
					b.Fatal(err)
				}
			}
			bytes += dec.InputOffset()
			resp.Body.Close()
		}
		return bytes
	}
	var rawTotal, connTotal time.Duration
	var size int64
	var engagements int
	b.ResetTimer()
	for b.Loop() {
		t0 := time.Now()
		size = raw()
		rawTotal += time.Since(t0)
		t1 := time.Now()
		snap, err := c.Snapshot(ctx)
		if err != nil {
			b.Fatal(err)
		}
		connTotal += time.Since(t1)
		engagements = len(snap.Engagements)
		if len(snap.Skipped) > 0 {
			b.Fatalf("skipped %v", snap.Skipped[0])
		}
	}
	b.ReportMetric(float64(connTotal.Milliseconds())/float64(b.N), "ms/snapshot")
	b.ReportMetric(float64(rawTotal.Milliseconds())/float64(b.N), "ms/raw")
	b.ReportMetric(float64(connTotal)/float64(rawTotal), "ratio")
	b.ReportMetric(float64(size)/1e6, "MB")
	b.ReportMetric(float64(engagements), "rows")
	_ = sdloen.LeaveType
}
