// Package web is the reference service's web pages: server-rendered HTML
// (html/template, embedded templates and one small style sheet) mounted
// on a [service.Service] behind its login layer, working fully without
// JavaScript.
//
// What it owns: the pages and their forms — the dashboard of the jobs,
// the AD plan, the chapel, the what-if of a proposed reorganisation, the
// reports' downloads and boarding's pages (the manager's order form, the
// orders and their timelines, the system administrators' tasks, the task
// mail's confirmation link and the one-time password page) — and how
// they answer a caller without the role (403), nobody (a redirect to the
// login) and an unknown path (404).
//
// What it must not do: decide who may do what beyond the service's roles
// (the boarding engine's rights decide, and its refusals are shown as
// they are), act on a GET, show a CPR number unmasked, store anything of
// its own, log a password, or load anything from outside the service
// (no scripts, fonts or style sheets from elsewhere).
package web
