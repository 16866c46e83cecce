package catalogue

import "time"

// Catalogue is a municipality's on/off-boarding catalogue: the systems and
// equipment that can be granted, the job roles that bundle them, and the
// birthright rules that give roles to people by where they work.
//
// A Catalogue from [Parse] or [Load], or one whose [Catalogue.Validate]
// returned nil, has its indexes built; its lookups are then O(1) and safe
// for concurrent use. Treat it as read-only: the indexes do not follow
// changes to the fields, so call Validate again after changing them.
type Catalogue struct {
	// Systems are the IT systems that roles grant access to.
	Systems []System `yaml:"systems,omitempty" json:"systems,omitempty"`
	// Equipment are the kinds of things handed out (a pc, a phone, an
	// access card), counted per item.
	Equipment []EquipmentKind `yaml:"equipment,omitempty" json:"equipment,omitempty"`
	// JobRoles are the roles that can be ordered or given by birthright.
	JobRoles []JobRole `yaml:"job_roles,omitempty" json:"job_roles,omitempty"`
	// Birthrights give job roles to people by unit and title without an
	// order.
	Birthrights []BirthrightRule `yaml:"birthrights,omitempty" json:"birthrights,omitempty"`

	// idx is built by a successful validation; nil before.
	idx *index
}

// SystemKind says how a system's grants are carried out.
type SystemKind string

// The system kinds.
const (
	// Manual systems are granted by people: their administrators get a
	// task (OS2rollekatalog's MANUAL system type, eSumIT's "mail the
	// system administrator").
	Manual SystemKind = "manual"
	// Integrated systems are granted by a connector, with no one's hands
	// on it.
	Integrated SystemKind = "integrated"
)

// ConnectorADGroups is the connector that grants an integrated system's
// resources as Active Directory group memberships; only its resources may
// name a [Resource.Group].
const ConnectorADGroups = "ad-groups"

// System is one IT system that job roles grant access to.
type System struct {
	// ID is the system's stable key, used by items and in orders and
	// tasks long after its name changes: letters, digits, '-', '_', '.'.
	ID string `yaml:"id" json:"id"`
	// Name is what people call it ("KMD Opus").
	Name string `yaml:"name" json:"name"`
	// Kind is manual or integrated.
	Kind SystemKind `yaml:"kind" json:"kind"`
	// Connector names the connector that grants an integrated system's
	// resources ("ad-groups"); a manual system has none.
	Connector string `yaml:"connector,omitempty" json:"connector,omitempty"`
	// Administrators are the mail addresses of the people who carry out a
	// manual system's tasks; a manual system needs at least one, or its
	// grants go nowhere.
	Administrators []string `yaml:"administrators,omitempty" json:"administrators,omitempty"`
	// Advisees are mail addresses told of grants for information only
	// (rollekatalog's advisEmail): they have nothing to do.
	Advisees []string `yaml:"advisees,omitempty" json:"advisees,omitempty"`
	// Owners are the mail addresses of the system's owners, who answer
	// for who has access (approval and attestation).
	Owners []string `yaml:"owners,omitempty" json:"owners,omitempty"`
	// Sensitive marks a system whose access is attested more often and
	// may need more approval.
	Sensitive bool `yaml:"sensitive,omitempty" json:"sensitive,omitempty"`
	// Digest, if set, is a Go duration ("3h"): the system's
	// administrators get one digest mail per interval rather than a mail
	// per task, as rollekatalog debounces its manual-system mails.
	Digest string `yaml:"digest,omitempty" json:"digest,omitempty"`
	// Resources are what the system can grant: its roles, groups or
	// rights.
	Resources []Resource `yaml:"resources,omitempty" json:"resources,omitempty"`
}

// DigestInterval is the system's digest interval, or 0 for a mail per
// task (also when Digest does not parse, which validation reports).
func (s System) DigestInterval() time.Duration {
	if s.Digest == "" {
		return 0
	}
	d, err := time.ParseDuration(s.Digest)
	if err != nil || d < 0 {
		return 0
	}
	return d
}

// Resource is one thing a system can grant: a system role, a group, a
// right.
type Resource struct {
	// Key identifies the resource within its system; items name it, so it
	// must be stable and unique within the system.
	Key string `yaml:"key" json:"key"`
	// Name is what people call it.
	Name string `yaml:"name" json:"name"`
	// Group is the distinguished name of the AD group a grant adds the
	// person to; only for a system with the ad-groups connector.
	Group string `yaml:"group,omitempty" json:"group,omitempty"`
}

// EquipmentKind is a kind of equipment handed out and taken back (a pc,
// a phone, an access card); the asset register tracks the single items.
type EquipmentKind struct {
	// ID is the kind's stable key: letters, digits, '-', '_', '.'.
	ID string `yaml:"id" json:"id"`
	// Name is what people call it.
	Name string `yaml:"name" json:"name"`
}

// Lifecycle is where a job role is in its life.
type Lifecycle string

// The lifecycles.
const (
	// Active roles can be ordered and given; "" means Active.
	Active Lifecycle = "active"
	// Draft roles are being prepared and are not yet offered.
	Draft Lifecycle = "draft"
	// Deprecated roles are on their way out: existing grants stay, but a
	// birthright may not give them.
	Deprecated Lifecycle = "deprecated"
)

// JobRole is a template of what a kind of job needs (rollekatalog's
// jobfunktionsrolle and rollebuket, eSumIT's yrkesroll): entitlements and
// equipment, and other roles bundled in.
type JobRole struct {
	// ID is the role's stable key: letters, digits, '-', '_', '.'.
	ID string `yaml:"id" json:"id"`
	// Name is what people call it ("Lærer").
	Name string `yaml:"name" json:"name"`
	// Items are what the role grants itself.
	Items []Item `yaml:"items,omitempty" json:"items,omitempty"`
	// Includes are the IDs of other roles whose items this role also
	// grants, so a common base is written once; they may not form a
	// cycle.
	Includes []string `yaml:"includes,omitempty" json:"includes,omitempty"`
	// OrderableIn are the units where the role may be ordered; none means
	// anywhere.
	OrderableIn []UnitScope `yaml:"orderable_in,omitempty" json:"orderable_in,omitempty"`
	// Titles limits the role to job titles.
	Titles TitleFilter `yaml:"titles,omitempty" json:"titles,omitzero"`
	// RequiresReason makes the orderer give a reason (rollekatalog's
	// ReasonOption OBLIGATORY).
	RequiresReason bool `yaml:"requires_reason,omitempty" json:"requires_reason,omitempty"`
	// Lifecycle is active (the default, also for ""), draft or
	// deprecated.
	Lifecycle Lifecycle `yaml:"lifecycle,omitempty" json:"lifecycle,omitempty"`
}

// Item is one thing a job role grants: exactly one of an entitlement
// (System and Resource) or equipment (Equipment and Quantity).
type Item struct {
	// System is the entitlement's system ID.
	System string `yaml:"system,omitempty" json:"system,omitempty"`
	// Resource is the entitlement's resource key in System.
	Resource string `yaml:"resource,omitempty" json:"resource,omitempty"`
	// Equipment is the equipment kind's ID.
	Equipment string `yaml:"equipment,omitempty" json:"equipment,omitempty"`
	// Quantity is how many of Equipment, at least 1; a file that leaves
	// it out means 1. It is 0 for an entitlement.
	Quantity int `yaml:"quantity,omitempty" json:"quantity,omitempty"`
}

// IsEquipment says whether the item is equipment rather than an
// entitlement.
func (it Item) IsEquipment() bool { return it.Equipment != "" }

// UnitScope is a unit and, if Inherit, the units below it.
type UnitScope struct {
	// Unit is a reference to the unit, its id or user key; the catalogue
	// does not know the org tree, so it is resolved by the caller.
	Unit string `yaml:"unit" json:"unit"`
	// Inherit takes in the whole subtree below Unit.
	Inherit bool `yaml:"inherit,omitempty" json:"inherit,omitempty"`
}

// TitleFilter limits something to job titles. The zero TitleFilter lets
// every title through.
type TitleFilter struct {
	// Include, if not empty, are the only titles let through.
	Include []string `yaml:"include,omitempty" json:"include,omitempty"`
	// Exclude are titles kept out, even if Include lets them through.
	Exclude []string `yaml:"exclude,omitempty" json:"exclude,omitempty"`
}

// BirthrightRule gives a job role to everyone in a unit (and, if Inherit,
// below it) who passes its filters, without an order (rollekatalog's
// OrgUnitUserRoleAssignment).
type BirthrightRule struct {
	// JobRole is the ID of the role given; it may not be deprecated.
	JobRole string `yaml:"job_role" json:"job_role"`
	// Unit is a reference to the unit, its id or user key, resolved by
	// the caller.
	Unit string `yaml:"unit" json:"unit"`
	// Inherit extends the rule to the units below Unit.
	Inherit bool `yaml:"inherit,omitempty" json:"inherit,omitempty"`
	// Titles limits the rule to job titles.
	Titles TitleFilter `yaml:"titles,omitempty" json:"titles,omitzero"`
	// ManagersOnly limits the rule to the units' managers.
	ManagersOnly bool `yaml:"managers_only,omitempty" json:"managers_only,omitempty"`
	// Except are references to units left out, with the units below them
	// when Inherit is set.
	Except []string `yaml:"except,omitempty" json:"except,omitempty"`
	// From, if set, is the first day the rule holds ("2026-08-01").
	From string `yaml:"from,omitempty" json:"from,omitempty"`
	// To, if set, is the first day it no longer holds: validity is
	// half-open [From, To), so To must be after From.
	To string `yaml:"to,omitempty" json:"to,omitempty"`
}
