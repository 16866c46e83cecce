package boarding

import (
	"time"

	"github.com/google/uuid"

	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// OrderKind is what an order is for.
type OrderKind string

// The kinds.
const (
	// Onboard: a joiner's systems, resources and equipment.
	Onboard OrderKind = "onboard"
	// Change: a mover's difference (new items granted, the old role's
	// revoked after a grace period).
	Change OrderKind = "change"
	// Offboard: a leaver's items revoked and equipment returned.
	Offboard OrderKind = "offboard"
)

// PendingHire is a coming employee the org model does not know yet: the
// order names them until payroll registers the person and the
// engagement, and matches them then by employment number or by name,
// unit and first day.
type PendingHire struct {
	// GivenNames and Surname are the person's names.
	GivenNames string `json:"given_names"`
	// Surname is the surname.
	Surname string `json:"surname"`
	// EmploymentNumber is the payroll's number, if the orderer knows it.
	EmploymentNumber string `json:"employment_number"`
}

// Order is one order: what is to be granted, revoked, delivered or
// returned for one person, its prerequisites, its tasks, and where it is.
type Order struct {
	// ID is the order's id.
	ID uuid.UUID `json:"id"`
	// Key is the orderer's idempotency key: an order placed twice with
	// one key is one order.
	Key string `json:"key"`
	// Kind is onboard, change or offboard.
	Kind OrderKind `json:"kind"`
	// Person is the person in the org model, or uuid.Nil while a pending
	// hire is not there yet.
	Person uuid.UUID `json:"person"`
	// Pending names a hire not yet in the org model.
	Pending *PendingHire `json:"pending"`
	// Engagement is the engagement the order is for, once known.
	Engagement uuid.UUID `json:"engagement"`
	// Unit is the unit the person joins (or leaves).
	Unit uuid.UUID `json:"unit"`
	// Roles are the job roles ordered (catalogue ids).
	Roles []string `json:"roles"`
	// Start is the first day (onboard, change) or the last day's morrow
	// (offboard: the day the items go).
	Start timeline.Date `json:"start"`
	// Reason is the orderer's reason, where a role requires one.
	Reason string `json:"reason"`
	// OrderedBy is who placed the order; OnBehalfOf the manager a
	// delegate ordered for ("" when the orderer is the manager).
	OrderedBy string `json:"ordered_by"`
	// OnBehalfOf is the manager a delegate ordered for.
	OnBehalfOf string `json:"on_behalf_of"`
	// State is where the order is.
	State OrderState `json:"state"`
	// Prerequisites are what must hold before it activates.
	Prerequisites []Prerequisite `json:"prerequisites"`
	// Tasks are its tasks, one per item.
	Tasks []Task `json:"tasks"`
	// Created is when it was placed; Updated when it last changed;
	// Expires when a parked or unattested order gives up.
	Created time.Time `json:"created"`
	// Updated is when it last changed.
	Updated time.Time `json:"updated"`
	// Expires is when a parked or unattested order gives up.
	Expires time.Time `json:"expires"`
	// Version counts its changes, for a store's optimistic locking.
	Version int `json:"version"`
	// Reminded is when the manager was reminded of an attest; Escalated
	// when it went to EscalatedTo, the manager's own manager.
	Reminded time.Time `json:"reminded"`
	// Escalated is when the attest was escalated.
	Escalated time.Time `json:"escalated"`
	// EscalatedTo is whom the attest was escalated to; they may attest.
	EscalatedTo string `json:"escalated_to"`
	// Told are the notices the dispatcher has queued for the order (a
	// task's mail, the fulfilment notice), by fact: each is queued once.
	Told []string `json:"told"`
}

// PrerequisiteKind is one condition an order waits for.
type PrerequisiteKind string

// The prerequisites.
const (
	// ContractSigned: the HR administrator says the contract is signed.
	ContractSigned PrerequisiteKind = "contract-signed"
	// InOrgModel: the person and the engagement are in the org model
	// (from payroll; an engagement hired but not yet paid counts).
	InOrgModel PrerequisiteKind = "in-org-model"
	// AccountSeen: the AD account is seen in the directory (linked by
	// read-back), never asserted by a person: whoever made it (IT by
	// hand, adsync, an HR system), the order waits until it is seen.
	AccountSeen PrerequisiteKind = "account-seen"
	// LastDay: an offboarding order's person is on their last day (or
	// past it, for a termination registered late); the clock says so.
	LastDay PrerequisiteKind = "last-day"
	// DayReached: the order's day (Start) has come; a mover's old items
	// go when the grace period is over.
	DayReached PrerequisiteKind = "day-reached"
)

// Prerequisite is one condition, and when and how it came to hold.
type Prerequisite struct {
	// Kind is the condition.
	Kind PrerequisiteKind `json:"kind"`
	// Satisfied is when it came to hold (zero: not yet).
	Satisfied time.Time `json:"satisfied"`
	// By is who or what said so ("hr@sjolund.dk", "adsync read-back").
	By string `json:"by"`
	// Evidence is what showed it (the account's username, the
	// engagement's id).
	Evidence string `json:"evidence"`
}

// Held reports whether the prerequisite holds.
func (p Prerequisite) Held() bool { return !p.Satisfied.IsZero() }

// Action is what a task does with its item.
type Action string

// The actions.
const (
	// Grant gives a system's resource.
	Grant Action = "grant"
	// Revoke takes it away.
	Revoke Action = "revoke"
	// Deliver hands out equipment.
	Deliver Action = "deliver"
	// Reclaim takes equipment back.
	Reclaim Action = "reclaim"
)

// Item is what a task is about: a system's resource, or equipment.
type Item struct {
	// System and Resource name an entitlement (catalogue ids).
	System string `json:"system"`
	// Resource is the system's resource.
	Resource string `json:"resource"`
	// Equipment is an equipment kind; Quantity how many.
	Equipment string `json:"equipment"`
	// Quantity is how many of the equipment.
	Quantity int `json:"quantity"`
}

// IsEquipment reports whether the item is equipment rather than a
// system's resource.
func (it Item) IsEquipment() bool { return it.Equipment != "" }

// Task is one item of an order for one system's administrators or
// connector.
type Task struct {
	// ID is the task's id.
	ID uuid.UUID `json:"id"`
	// Item is what it is about; Action what to do with it.
	Item Item `json:"item"`
	// Action is grant, revoke, deliver or reclaim.
	Action Action `json:"action"`
	// Integrated says a connector does it; else the system's
	// administrators do, by mail.
	Integrated bool `json:"integrated"`
	// State is where it is.
	State TaskState `json:"state"`
	// Opened is when the task went out.
	Opened time.Time `json:"opened"`
	// Attempts counts a connector's tries; NextTry is when the next is
	// due after a transient failure.
	Attempts int `json:"attempts"`
	// NextTry is when a connector is tried again.
	NextTry time.Time `json:"next_try"`
	// LastError is an integrated system's last failure.
	LastError string `json:"last_error"`
	// Closed is when it ended; ClosedBy who ended it; Note their note
	// (a refusal's reason).
	Closed time.Time `json:"closed"`
	// ClosedBy is who confirmed, refused or withdrew it.
	ClosedBy string `json:"closed_by"`
	// Note is the note given with it.
	Note string `json:"note"`
	// Assets are the inventory's assets a delivery handed out or a
	// reclaim took back.
	Assets []uuid.UUID `json:"assets,omitempty"`
}
