package service

import (
	"errors"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/orgsync/orgsync/chapel"
	"github.com/orgsync/orgsync/internal/redact"
)

// JobStatus is what the service knows of one of its jobs: the worker,
// the reconcile, a source's import, the outbox, and the rest.
type JobStatus struct {
	// Job is the job's name ("reconcile", "source sd").
	Job string `json:"job"`
	// Runs counts its runs since the service started.
	Runs int `json:"runs"`
	// LastStart and LastEnd are when the last run began and ended.
	LastStart time.Time `json:"last_start"`
	// LastEnd is when the last run ended.
	LastEnd time.Time `json:"last_end"`
	// LastOK is when a run last succeeded (zero: never).
	LastOK time.Time `json:"last_ok,omitzero"`
	// Failures counts the runs that failed in a row, up to the last.
	Failures int `json:"failures"`
	// Error is the last run's error, national ids masked; "" if it
	// succeeded.
	Error string `json:"error,omitempty"`
	// Summary says what the last run did, in a line.
	Summary string `json:"summary,omitempty"`
	// Breaker says the last run was held back by a mass-action breaker
	// (the chapel's): its plan waits for an operator's approval.
	Breaker bool `json:"breaker,omitempty"`
}

// statusBoard keeps the jobs' status.
type statusBoard struct {
	mu   sync.Mutex
	jobs map[string]*JobStatus
}

// record notes a run of job from start to now.
func (b *statusBoard) record(job string, start, end time.Time, summary string, err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.jobs == nil {
		b.jobs = map[string]*JobStatus{}
	}
	j := b.jobs[job]
	if j == nil {
		j = &JobStatus{Job: job}
		b.jobs[job] = j
	}
	j.Runs++
	j.LastStart, j.LastEnd, j.Summary = start, end, redact.NationalIDs(summary)
	j.Breaker = errors.Is(err, chapel.ErrBreaker)
	if err != nil {
		j.Failures++
		j.Error = redact.NationalIDs(oneLine(err.Error()))
	} else {
		j.Failures, j.Error, j.LastOK = 0, "", end
	}
}

// list returns a copy of every job's status, by name.
func (b *statusBoard) list() []JobStatus {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := make([]JobStatus, 0, len(b.jobs))
	for _, j := range b.jobs {
		out = append(out, *j)
	}
	slices.SortFunc(out, func(a, b JobStatus) int { return strings.Compare(a.Job, b.Job) })
	return out
}

// oneLine joins an error's lines, cut to a length a dashboard can show.
func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 2000 {
		s = s[:2000] + " …"
	}
	return s
}
