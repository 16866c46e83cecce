package web

import (
	"net/http"

	"github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/service"
)

// dashboardView is what the dashboard shows.
type dashboardView struct {
	// Running says the service's Run runs; Leading that the jobs run on
	// this host (else it stands by).
	Running, Leading bool
	// Registration is the org model's latest registration.
	Registration orgmodel.Registration
	// Jobs are the jobs' status; Failing counts those whose last run
	// failed.
	Jobs    []service.JobStatus
	Failing int
	// Breaker holds the errors of the runs the mass-action breaker
	// stopped; empty while it is closed.
	Breaker []string
}

// dashboard shows the jobs, the breaker, the lead and the org model.
func (p *Pages) dashboard(w http.ResponseWriter, r *http.Request) {
	v := dashboardView{Jobs: p.svc.Status(), Registration: p.svc.Model().Latest().Registration()}
	v.Running, v.Leading = p.svc.Running()
	for _, j := range v.Jobs {
		if j.Error == "" {
			continue
		}
		v.Failing++
		if j.Breaker {
			v.Breaker = append(v.Breaker, j.Job+": "+j.Error)
		}
	}
	p.render(w, r, http.StatusOK, "dashboard.html", "Oversigt", v)
}
