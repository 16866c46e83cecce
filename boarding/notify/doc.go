// Package notify turns the org model's events into mail: notification
// rules, each a trigger, a scope, recipients and a template, evaluated on
// events and written as multipart mail for the outbox.
//
// # Triggers
//
// Every trigger reads the model as of the event's registration, so the
// same event always makes the same notice with the same dedup key (rule,
// trigger, object, registration, and the day for a validity's end):
//
//   - person-created: a person's first engagement is registered (seed 000,
//     feature 9: "a mail when an employee is created").
//   - email-created: a person's first EMAIL address is registered
//     (OS2mo's variant, after the AD integration writes it back).
//   - account-created: an account in the watched system (Config.System,
//     "Active Directory") is recorded for a person, by the sync or
//     the read-back. The username and e-mail, never a password.
//   - unit-without-manager: the last manager role held by a person in a
//     unit ends, goes vacant or is removed (at once if registered for
//     today or earlier, on the day otherwise).
//   - manager-ended: a person leaves a manager role, or the engagement
//     behind the role ends.
//   - payroll-unit-uncoupled: the coupling rule's alert, from a rules run
//     ([Rules.Uncoupled]).
//   - termination-registered: an engagement's end is set or moved
//     earlier; Retroactive when its last day is before the registration.
//   - future-hire: an engagement is registered that starts after the day
//     of its registration.
//
// # Recipients and scope
//
// [Recipients] add up fixed addresses (a role mailbox), addresses per
// unit subtree (the nearest configured unit at or above the notice's unit
// wins), the person's managers (inherited up the tree, vacant roles and
// the person's own skipped), the nearest unit's EMAIL address and the
// person's own. An address that does not parse, from the configuration
// (a configuration error) or the org model (skipped, with the reason in
// [Notice.Skipped] and the log), never stops the others. [Scope] limits
// a rule to unit subtrees and engagement types.
//
// # Templates
//
// A template is one file, NAME.tmpl, that defines three templates:
// "subject" and "text" (text/template) and "html" (html/template, which
// escapes by context). Danish defaults ship for every trigger and for
// the digest ("digest.tmpl"); Config.Templates names a directory whose
// files replace them by name or add new ones. Every template is run on
// sample data when the configuration is compiled, so a field that does
// not exist is a *ConfigError naming the file and line then, and not
// when the first mail goes out. Subjects are made one line: a CR or LF in
// a name becomes a space.
//
// The data is [Data]: .Rule, .Trigger, .Registered, .Actor, .Day,
// .Retroactive, .Person (.Name, .GivenNames, .Surname, .CPR — masked,
// "ddmmyy-xxxx" —, .Emails, .ID), .Engagement and each of .Engagements
// (.EmploymentNumber, .JobFunction, .Type, .Unit, .From, .Until), .Unit
// (.Name, .UserKey, .Path, .Type, .ID), .Account (.System, .Username,
// .Email), .Email and .Periods. Which a trigger fills: every trigger
// fills .Registered, .Actor and .Day; a personal trigger .Person and
// .Engagement; person-created .Engagements; account-created .Account;
// email-created .Email; manager-ended .Person (the manager) and .Unit;
// unit-without-manager and payroll-unit-uncoupled .Unit, the latter
// .Periods. A field a trigger does not fill is empty. The digest sees
// [DigestData]. Functions: dato (a day as "1. februar 2027"), tidspunkt
// (an instant as "6. december 2026 kl. 14.03"), join (join SEP LIST).
//
// # Delivery
//
// A [Notifier] follows the model's events, queues each notice in the
// outbox (or holds it for its rule's digest) and then acknowledges the
// event; the outbox queues a key once, so nothing is sent twice and
// nothing is lost across a crash. A digest gathers a rule's notices for
// one list of recipients until the first is Rule.Digest old.
//
// What it must not do: send mail (the outbox worker does), change the
// org model, or put a whole CPR number anywhere: in a template's data, a
// key or a log line.
package notify
