package service

import (
	"errors"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/orgsync/orgsync/adsync"
	"github.com/orgsync/orgsync/chapel"
)

// metrics are the service's Prometheus metrics, on a registry of its own
// (never the global one: a host embedding the service keeps its own
// metrics apart).
type metrics struct {
	reg        *prometheus.Registry
	runs       *prometheus.CounterVec   // job, result
	runTime    *prometheus.HistogramVec // job
	ops        *prometheus.CounterVec   // kind, result
	errors     *prometheus.CounterVec   // job
	eventLag   prometheus.Histogram
	outbox     prometheus.Gauge
	breaker    *prometheus.GaugeVec // breaker
	lastRun    *prometheus.GaugeVec // job
	httpTime   *prometheus.HistogramVec
	skipped    *prometheus.CounterVec // source
	leader     prometheus.Gauge
	registered prometheus.Gauge
	conflicts  prometheus.Gauge
}

func newMetrics() *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		runs: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "orgsync_runs_total",
			Help: "Runs of the service's jobs, by job and result (ok or error)."}, []string{"job", "result"}),
		runTime: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "orgsync_run_duration_seconds",
			Help: "How long the jobs' runs took.", Buckets: prometheus.ExponentialBuckets(0.001, 4, 10)}, []string{"job"}),
		ops: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "orgsync_ad_operations_total",
			Help: "Account operations applied to AD, by kind and result (done, failed, skipped)."}, []string{"kind", "result"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "orgsync_errors_total",
			Help: "Errors, by the job they happened in."}, []string{"job"}),
		eventLag: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "orgsync_event_lag_seconds",
			Help:    "From an org-model registration to its persons' accounts done in AD.",
			Buckets: prometheus.ExponentialBuckets(0.005, 2, 14)}),
		outbox: prometheus.NewGauge(prometheus.GaugeOpts{Name: "orgsync_outbox_depth",
			Help: "Messages waiting in the mail outbox."}),
		breaker: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "orgsync_breaker_open",
			Help: "1 while a mass-action breaker holds the run back (the chapel's), else 0."}, []string{"breaker"}),
		lastRun: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "orgsync_last_run_timestamp_seconds",
			Help: "When each job last finished, in Unix seconds."}, []string{"job"}),
		httpTime: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "orgsync_http_request_duration_seconds",
			Help: "HTTP requests, by route and status class.", Buckets: prometheus.ExponentialBuckets(0.0005, 3, 10)}, []string{"route", "code"}),
		skipped: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "orgsync_source_skipped_records_total",
			Help: "Records a source's import skipped as malformed."}, []string{"source"}),
		leader: prometheus.NewGauge(prometheus.GaugeOpts{Name: "orgsync_leader",
			Help: "1 while this instance holds the lease and runs the jobs."}),
		registered: prometheus.NewGauge(prometheus.GaugeOpts{Name: "orgsync_model_registration",
			Help: "The org model's latest registration."}),
		conflicts: prometheus.NewGauge(prometheus.GaugeOpts{Name: "orgsync_rules_conflicts",
			Help: "Conflicts the org rules left for a person to decide, at their last run."}),
	}
	m.reg.MustRegister(m.runs, m.runTime, m.ops, m.errors, m.eventLag, m.outbox, m.breaker, m.lastRun, m.httpTime, m.skipped, m.leader, m.registered, m.conflicts,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m.breaker.WithLabelValues("chapel").Set(0)
	return m
}

// run counts a job's run.
func (m *metrics) run(job string, took time.Duration, err error) {
	result := "ok"
	if err != nil {
		result = "error"
		m.errors.WithLabelValues(job).Inc()
	}
	m.runs.WithLabelValues(job, result).Inc()
	m.runTime.WithLabelValues(job).Observe(took.Seconds())
	m.lastRun.WithLabelValues(job).Set(float64(time.Now().Unix()))
}

// applied counts an apply's operations.
func (m *metrics) applied(rep *adsync.Report) {
	if rep == nil {
		return
	}
	for _, r := range rep.Results {
		result := "done"
		switch {
		case r.Skipped:
			result = "skipped"
		case r.Err != nil:
			result = "failed"
		}
		m.ops.WithLabelValues(r.Op.Kind.String(), result).Inc()
	}
}

// reconciled counts a reconcile's operations and the breaker's state.
func (m *metrics) reconciled(rep *adsync.RunReport, err error) {
	open := 0.0
	if errors.Is(err, chapel.ErrBreaker) {
		open = 1
	}
	m.breaker.WithLabelValues("chapel").Set(open)
	if rep != nil {
		m.applied(rep.Accounts)
	}
}
