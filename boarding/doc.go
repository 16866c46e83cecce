// Package boarding handles on- and off-boarding: the work that follows when
// someone joins, moves or leaves, for the people who run the organisation's
// systems (seed 004, as eSumIT, OS2rollekatalog and midPoint do it).
//
// What it owns: orders and their state machine, ordering and attest
// rights, parking an order until its prerequisites hold, the tasks for
// system administrators and integrated systems, the notices of an order's
// life, and the initial password's delivery as a one-time secret.
//
// What it must not do: change the org model, or AD beyond what an order's
// tasks grant and revoke through a connector; assert that an AD account
// exists (only the directory's read-back, recorded in the org model, says
// so); touch anything granted outside orgsync; put a password in a mail,
// a log line or the store in clear text.
//
// # Orders
//
// An [Order] (onboard, change or offboard) with its [Prerequisite]s and
// [Task]s moves by [Order.Do], [Order.Satisfy] and [Order.Close], each
// returning the [AuditEntry] values of what changed, and refusing with a
// typed error (a [*TransitionError], [ErrNotReady], [ErrNeedsReason])
// while changing nothing. An order activates only from parked and only
// when every prerequisite holds. A prerequisite reported twice changes
// nothing, so an event delivered twice is harmless. The states:
//
//	draft → submitted → (awaiting-attest →) parked → active → fulfilled | partially-fulfilled
//	                       ↘ rejected       ↘ expired   ↘ cancelled (from any state before the end)
//	task: pending → open (→ executing) → done | refused | failed; cancelled with its order
//
// The prerequisites: the contract signed (HR says so), the person and the
// engagement in the org model (payroll; a pending hire is matched by
// employment number, else by name, unit and first day), the AD account
// seen; an offboarding order waits for the last day, a mover's revocation
// for the end of its grace period.
//
// # The engine
//
// The [Engine] places orders ([Engine.Place]: rights, catalogue, reason,
// one order per idempotency key; a delegate's order awaits the manager's
// attest), takes HR's [Engine.ContractSigned], [Engine.Attest],
// [Engine.Reject], [Engine.Cancel], and the administrators' answers
// ([Engine.Confirm], or [Engine.ConfirmLink] from a signed link in the
// task mail; never from the person the order is for). [Engine.Run]
// follows the org model's events ([Engine.Handle]): pending hires matched,
// accounts seen, orders activated; the catalogue's birthright rules give
// roles without an order, a mover gets an order of the difference (new
// items on the day, old ones revoked after Grace), a termination an
// offboarding order of what orgsync granted, revoked on the last day, and
// a leaver before the first day cancels the onboarding and revokes what
// was granted. [Engine.Sweep], daily, does what the clock brings: expiry
// with a notice, attest reminders and escalation to the manager's own
// manager, last days.
//
// Every change is stored with its audit entries from the version it was
// read at ([Store], [MemStore], boardingdb; the boardingtest suite), so
// two hosts, or an event handled twice, never change an order twice.
//
// # The dispatcher
//
// The [Dispatcher] does what stored orders call for: a manual system's
// tasks as mail to its administrators through the outbox, in the stable
// format [TaskMailVersion] describes (one mail per task, or a digest per
// system and interval); an integrated system's tasks through its
// connectors.Provisioner ([ADGroups] ships: AD group membership), retried
// with backoff; the welcome to the manager (username, e-mail, first day,
// manager; never the password) and the password apart, through a
// one-time link ([Secrets]); the fulfilment to the manager and HR;
// expiry, rejection, reminder and escalation notices. Each notice is
// queued once (Order.Told), and a dispatch that dies between the outbox
// and the store queues it again on the next run, which the outbox keeps
// once.
//
// Beside it: the catalogue of systems, equipment, job roles and
// birthrights (boarding/catalogue), the equipment register
// (boarding/inventory), the mail outbox (boarding/outbox), notification
// rules (boarding/notify) and the hire and termination reports
// (boarding/report).
package boarding
