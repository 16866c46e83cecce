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
// This package holds the orders and their state machine, pure: an
// [Order] (onboard, change or offboard) with its [Prerequisite]s and
// [Task]s moves by [Order.Do], [Order.Satisfy] and [Order.Close], each
// returning the [AuditEntry] values of what changed, and refusing with a
// typed error (a [*TransitionError], [ErrNotReady], [ErrNeedsReason])
// while changing nothing. An order activates only from parked and only
// when every prerequisite holds; the AD account is a prerequisite that
// only an observation of the directory satisfies. A prerequisite
// reported twice changes nothing, so an event delivered twice is
// harmless. The states:
//
//	draft → submitted → (awaiting-attest →) parked → active → fulfilled | partially-fulfilled
//	                       ↘ rejected       ↘ expired   ↘ cancelled (from any state before the end)
//	task: pending → open (→ executing) → done | refused | failed; cancelled with its order
//
// Beside it: the catalogue of systems, equipment and job roles
// (boarding/catalogue), the mail outbox (boarding/outbox), notification
// rules (boarding/notify) and the hire and termination reports
// (boarding/report). The engine that drives orders from the org model's
// events, the directory's read-back and a clock, their store, attest
// rights, equipment and the welcome secret are issue 18's and being
// built.
package boarding
