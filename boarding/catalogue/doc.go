// Package catalogue owns a municipality's on/off-boarding catalogue (seed
// 004, eSumIT; the model is OS2rollekatalog's): what can be granted, how
// it is bundled, and who gets what by birthright.
//
//   - A [System] is an IT system, manual (its administrators get a task
//     and, if Digest is set, one digest mail per interval) or integrated
//     (a connector grants it, e.g. "ad-groups", whose [Resource] values
//     name their AD group). Its advisees are told for information; its
//     owners answer for who has access.
//   - An [EquipmentKind] is a kind of thing handed out: a pc, a phone, an
//     access card.
//   - A [JobRole] (jobfunktionsrolle, yrkesroll) bundles [Item] values,
//     each an entitlement (a system's resource) or equipment (a kind and
//     a quantity), and may include other roles, so that a base is
//     written once. It says where it may be ordered, for which titles,
//     whether the orderer must give a reason, and whether it is draft,
//     active or deprecated.
//   - A [BirthrightRule] gives a role to everyone in a unit (and below,
//     if it inherits) who passes its title and manager filters, for a
//     half-open period of days [From, To).
//
// A catalogue is a YAML or JSON file read by [Parse] or [Load], strictly
// (an unknown key is an error), and validated whole: every problem comes
// back at once, each an [*Error] with the key's path
// ("job_roles[3].items[1].resource") and, for YAML, its line, so an
// operator fixes a file in one go. A valid catalogue answers lookups in
// O(1) from indexes built when it is parsed: [Catalogue.System],
// [Catalogue.JobRole], and [Catalogue.Items] and [Catalogue.Resolve],
// which expand includes into one deduplicated list in a fixed order.
//
// What it must not do: any I/O beyond reading the catalogue it is given
// (bytes, or a file by name); resolve unit references or job titles
// against the org model (they are kept as written, for the caller); or
// decide anything about orders: who may order or approve a role, whether
// a draft or deprecated role may be ordered, which birthrights apply to
// whom. It says what the catalogue holds; the boarding engine decides.
package catalogue
