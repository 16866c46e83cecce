// Package rules is orgsync's set of org rules: the decisions OS2mo leaves
// to separate integrations that fight each other, made here as one
// coherent, time-aware rule set over the org model.
//
//   - [Leder]: a unit named with the `_leder` suffix marks its members as
//     managers of its parent unit (and of the grandparent under a
//     `led-adm` parent), the SD municipalities' convention.
//   - [Validity]: a manager role is cut, or made vacant, wherever its
//     person has no engagement at all.
//   - [Elevation] ("engagementsløft"): an engagement that gives its person
//     a manager role is placed in the unit they manage, for as long as
//     they do.
//   - [Coupling] ("organisationssammenkobling"): an engagement in a payroll
//     unit is placed in the administrative unit the payroll unit is
//     related to.
//   - [Primary]: one engagement per person and day is the primary one.
//
// Every rule is a pure function of the model over a date range: it reads a
// View and writes the histories it wants into a scratch layer over it;
// nothing changes in the model until the caller applies the Result's change
// set. A rule writes only what it owns, and says so: the manager roles
// Leder creates have Source "rules/leder"; the placements and primary marks
// the other rules write on engagements carry the rule's name in
// EngagementAttrs.PlacedBy and PrimaryBy (which Import keeps while the
// payroll agrees). Hand-made objects and those of other sources are left
// alone unless a rule is configured to adopt them.
//
// # Composition
//
// A [Set] runs the rules in one fixed order, each seeing what the earlier
// ones wrote, so that a run reaches the same state a second run finds
// nothing to change in:
//
//  1. Leder writes the manager roles the `_leder` units imply.
//  2. Validity cuts roles wherever their holders have no engagement.
//  3. Elevation places the engagements the remaining roles are linked to.
//  4. Coupling places the other payroll engagements in the administrative
//     tree; it leaves elevated and hand-placed engagements alone, which is
//     why it runs after Elevation (an elevation that ends hands the
//     engagement back to Coupling in the same run).
//  5. Primary picks each person's primary engagement.
//
// The precedence of placements is therefore: by hand, then Elevation, then
// Coupling, then the payroll's own unit.
//
// # Conflicts
//
// What a rule cannot decide (two equally good managers, two engagements
// marked primary, a payroll unit related to two administrative units) is a
// [Conflict] naming the unit or person, the objects and the days. It never
// stops the run: the rule leaves those days as they are and goes on.
//
// What it must not do: apply anything by itself, read a clock, or do I/O.
// Time comes in as the Range; the model comes in as a View.
package rules
