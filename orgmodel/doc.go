// Package orgmodel is the org model, orgsync's equivalent of OS2mo's "MO":
// who works where, who manages whom, who is on leave, and which accounts
// and addresses belong to whom, over time.
//
// # Objects and time
//
// Every [Object] has a stable id, a user key, a provenance ([Object.Source]:
// the source that owns it, or "" for objects made by hand) and a timeline of
// its attributes ([PersonAttrs], [UnitAttrs], [EngagementAttrs],
// [ManagerAttrs], [AssociationAttrs], [RelatedUnitsAttrs], [AccountAttrs],
// [AddressAttrs], [LeaveAttrs]) over half-open day intervals, from the
// sub-package [github.com/orgsync/orgsync/orgmodel/timeline]. The model is
// bitemporal: besides validity (when something is true) it keeps every
// registration (when the model learned it, from whom), so a [View] can
// read the model as it was known at any earlier registration.
//
// # Changing the model
//
// Changes come as a [ChangeSet] (create, update from a date, set, terminate,
// delete) that [Model.Apply] validates as a whole and applies atomically or
// not at all. A rejected change set returns a [*ChangeSetError] whose
// problems are [*ValidationError]s naming the object and the [Rule] it
// broke (errors.Is(err, orgmodel.RuleCycle)); the model is unchanged.
// [Import] computes the change set that brings a source's objects in line
// with a [Snapshot] of that source.
//
// # Reading the model
//
// [Model.Latest] returns a View; [View.At] returns the [Graph] on one day:
// parents, ancestors, children and subtrees of units, managers with
// inheritance and exclude-self, a person's engagements and primary
// engagement, accounts, addresses and leaves, and everything that points
// at an object. Queries follow indexes from the object asked about; none
// scans the model.
//
// # Events
//
// Applying a change set emits an [Event] per object changed; [Model.Tick]
// (or [Model.RunScheduler] with a [Clock]) emits events on the days
// validities start, change or end. A [Subscription] delivers them at least
// once from a durable cursor. Events carry ids only: subscribers re-read
// the state they need.
//
// # Storage
//
// A [Store] keeps the registrations and events; [MemStore] is the in-memory
// one. The model itself is in memory, rebuilt by [Open] from its store.
//
// # National ids
//
// [CPR] holds a Danish national id; it prints masked ("010190-xxxx")
// everywhere, and error texts of this package never hold one in full.
//
// What it must not do: talk to the world. It is pure domain code with no
// network, files or clock of its own: time is passed in, and the only I/O
// is through the Store a caller gives it. Everything else in orgsync reads
// it; it reads nothing else.
package orgmodel
