// Package service runs the whole of orgsync as one long-running service:
// the state database, the sources and their schedules (a payroll import
// followed by the org rules, an Omada poll), the org model's day
// scheduler, adsync's worker with its scheduled reconcile and AD
// read-back, the chapel under its mass-action breaker, the boarding
// engine and its dispatcher, the mail outbox and the scheduled reports.
//
// A host loads a [Config] (YAML or JSON, checked whole: every problem at
// once, with the key at fault), calls [New] to wire everything, [Service.Run]
// to run until its context ends, and [Service.Close]. [Service.Handler]
// is the HTTP side: health and readiness, Prometheus metrics on a private
// registry, and the JSON API. The operator CLI's `orgsync serve` is this
// package and a signal handler.
//
// The package owns the wiring, the schedules, the service's metrics and
// its HTTP API. It must not hold business rules of its own: what a plan
// does is adsync's, what an import changes is the org model's intake,
// what an order may do is boarding's. Secrets never come from the
// configuration file itself, only from files it names or the
// environment, and nothing it logs or answers holds a CPR number in
// full.
package service
