// Package intake turns what sources deliver through the connectors
// contracts into org-model snapshots: [Payroll] for a payroll system's
// connectors.PayrollSnapshot, [Identities] for an identity source's
// connectors.IdentitySnapshot, and [ExportPayroll] the other way, for
// writing a model (the synthetic municipality) as payroll data. The
// snapshots go to orgmodel.Import, which computes the change set, and
// Model.Apply, which validates and registers it.
//
// # Payroll
//
// Each payroll record is rows with one key; a key's rows become one
// object, a span per row, with the id orgmodel.SourceID(source, kind, key)
// and the key as its user key. Ids derive from keys alone, so the same
// snapshot gives the same objects on every run and importing it twice
// changes nothing.
//
//	PayrollUnit        KindUnit: Name, Level, Type as they are; Parent the
//	                   parent's id ("" a root); Hierarchy left empty (the
//	                   payroll tree has no hierarchy class; synth's payroll
//	                   units have none either)
//	PayrollPerson      KindPerson: GivenNames, Surname; NationalID parsed
//	                   by orgmodel.ParseCPR under PayrollOptions.CPR
//	PayrollEngagement  KindEngagement: Person and Unit the ids of the keys,
//	                   EmploymentNumber the key, JobFunction, Type, Fraction;
//	                   Primary is the org rules' to set
//	PayrollLeave       KindLeave: Engagement the id of the key, Person the
//	                   engagement's person on each day of the leave, Type
//	PayrollManager     KindManager: Unit, Person and Engagement the ids of
//	                   the keys (Engagement uuid.Nil when the row names
//	                   none; it must be the person's), Type, Level;
//	                   Responsibilities left empty (the payroll has none)
//
// orgmodel.Import matches a person by national id: a payroll person the
// model already has (from another source, or made by hand) is used rather
// than duplicated, and the engagements, leaves and manager roles follow.
// A manager role ends when its row ends: a source ends the role with the
// engagement that gives it (connectors.CheckPayroll refuses a role past
// its engagement), and Import terminates a role that is gone. A role from
// the payroll is the source's; the org rules (the "_leder" units of SD
// municipalities) make theirs beside it.
//
// A payroll system that reports changes (connectors.PayrollChangeReader)
// needs nothing more: keep the last snapshot, apply the pages of changes to
// it with connectors' PayrollSnapshot.Apply, and turn the result into an
// org-model snapshot again; Import writes what differs and terminates what
// is gone. References may dangle until the last page of a run is applied,
// so read every page first:
//
//	for {
//		page, err := reader.Changes(ctx, last.Token)
//		if err != nil { … }
//		if err := connectors.CheckPayrollChanges(page); err != nil { … }
//		last.Apply(page) // last.Token is now the page's
//		if !page.More {
//			break
//		}
//	}
//	snap, err := intake.Payroll("sd", last, intake.PayrollOptions{})
//	if err != nil { … }
//	cs, _, err := orgmodel.Import(model.Latest(), snap, orgmodel.ImportOptions{Today: today})
//	if err != nil { … }
//	if _, err := model.Apply(ctx, cs, reg); err != nil { … }
//	// Only now persist last (and so its Token): a run that fails before
//	// reads the same pages again.
//
// # Identities
//
// An identity (from Omada, say) becomes:
//
//   - a person (KindPerson: GivenNames, Surname, NationalID) with the
//     identity's key. An identity with a national id is matched by Import
//     to the person the model has with it (the payroll's), so import the
//     payroll first; one without, or one the model does not know, becomes
//     a person of the identity source.
//   - if it has a Login, an account (KindAccount: System
//     IdentityOptions.AccountSystem, by default [ADSystem]; Username the
//     Login; ExternalID the ObjectGUID; Person). Those are the fields
//     adsync records and links by, so the AD engine knows the account as
//     the person's. An ObjectGUID without a Login is refused: an account
//     needs a logon name.
//   - an address per distinct Addresses entry (KindAddress: Type, Value,
//     Person).
//   - only if its Category is one of IdentityOptions.TemporaryCategories,
//     an engagement (KindEngagement: Person, Unit resolved by
//     IdentityOptions.Unit, JobFunction the JobTitle, Type the Category,
//     Fraction 0 and no employment number, which the source does not
//     have). Other identities get no engagement: a consultant is not
//     employed in the unit the source names.
//
// A service account becomes an account of its unit (KindAccount: System,
// Username the Login, ExternalID the ObjectGUID, Unit resolved by
// IdentityOptions.Unit, no Person), as adsync reads service accounts.
//
// Every object of an identity has the identity's Valid and the identity's
// key as user key; a service account's has its own key. The ids are
// SourceID of the source, the kind and the key, kept apart where one
// record makes several objects of a kind (addresses, and service
// accounts, whose keys may be identities' keys). An identity's Unit is
// resolved only where an engagement needs it. What is referred to must be
// valid on the identity's days (the unit of a temporary's engagement, the
// payroll person a national id matches), or Model.Apply refuses the
// snapshot.
//
// # Export
//
// ExportPayroll writes a unit's Name, Parent, Level and Type; a person's
// GivenNames, Surname and NationalID; an engagement's Person, Unit (the
// source's own placement, SourceUnit where a rule or a person placed it
// elsewhere), JobFunction, Type and Fraction; a leave's Engagement and
// Type. It leaves out what a payroll record has no field for: a unit's
// Hierarchy, a person's nicknames, an engagement's Primary, PrimaryBy and
// PlacedBy, and a leave's Person (Payroll derives it from the engagement).
// Manager roles (which the org rules make, or which a payroll that marks
// managers delivered), associations, related units, accounts and
// addresses are skipped.
//
// # Errors
//
// A bad record never yields half a snapshot: each function returns every
// problem it found, joined, and no snapshot. Payroll's problems are
// *connectors.RecordError (as connectors.CheckPayroll's), Identities'
// *IdentityError, ExportPayroll's *ExportError; each names the record and
// the field, and wraps an error that errors.Is can test ([ErrUnitNotFound],
// [ErrDuplicateNationalID], [ErrOthersEngagement], orgmodel.ErrInvalidCPR,
// …). No error text
// holds a national id in full.
//
// What it owns: the mapping from the connectors' record types to the org
// model's objects and back, and the checks that keep a source's bad row
// from reaching the model.
//
// What it must not do: talk to the world (no network, no files, no clock:
// it works on the values it is given), decide anything about the model
// (that is Import's and Apply's, and the org rules'), or apply changes
// itself.
package intake
