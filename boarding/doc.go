// Package boarding handles on- and off-boarding: the work that follows when
// someone joins, moves or leaves, for the people who run the organisation's
// systems.
//
// It owns role templates, orders and their approvals, parking an order
// until its prerequisites hold, tasks for system administrators,
// notifications, and the reports on hires and terminations.
//
// What it must not do: change the org model or AD behind the engines' backs;
// it orders and reports, and the engines act.
//
// The mail outbox that its notices and tasks go through is in
// boarding/outbox (issue 16); the rest is specified by issue 18 and not
// yet built.
package boarding
