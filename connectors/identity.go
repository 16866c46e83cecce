package connectors

import (
	"context"

	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// IdentitySource is the contract of an identity-governance connector
// (Omada, and systems like it): the people the organisation knows beyond
// its payroll — temporary staff, consultants, external workers — with the
// accounts and addresses it has given them, and the service accounts bound
// to units.
//
// Like a [Payroll], an IdentitySource delivers plain records that refer to
// units by key; the host's intake decides which records become persons,
// engagements, accounts and addresses in the org model. Which categories
// mark temporary staff is the host's configuration, not the connector's.
// Every method takes a context first and honours its cancellation and
// deadline; every error is an *[Error] with a [Kind]. Implementations are
// safe for concurrent use.
type IdentitySource interface {
	// Ping checks that the source answers and the credentials work.
	Ping(ctx context.Context) error

	// Identities returns every identity and service account the source
	// has.
	Identities(ctx context.Context) (*IdentitySnapshot, error)

	// Close releases the connector's resources. Calls after Close fail.
	Close() error
}

// IdentitySnapshot is everything an identity source has.
type IdentitySnapshot struct {
	// Identities are the people.
	Identities []Identity
	// ServiceAccounts are accounts bound to a unit rather than a person.
	ServiceAccounts []ServiceAccount
	// Skipped are the records the connector left out as malformed (at
	// most MaxSkipped).
	Skipped []SkippedRecord
}

// Identity is a person as an identity source knows them. Unlike payroll
// records an identity has one validity, not a history: identity systems
// keep the current state.
type Identity struct {
	// Key is the source's id of the identity.
	Key string
	// NationalID is the person's CPR number or personnummer; empty for
	// a person without one (a foreign consultant).
	NationalID NationalID
	// GivenNames are the person's first and middle names.
	GivenNames string
	// Surname is the person's last name.
	Surname string
	// Unit is the key of the unit the person works in, as the source
	// writes it; the host resolves it against the org model.
	Unit string
	// JobTitle is the person's job title.
	JobTitle string
	// Category is the source's category of the identity ("Vikar",
	// "Ekstern konsulent"); the host's configuration says which categories
	// are temporary staff.
	Category string
	// Valid are the days the identity is valid.
	Valid timeline.Interval
	// ObjectGUID is the identity's Active Directory account, if it has
	// one, as a lower-case UUID (the directory's [ID]).
	ObjectGUID ID
	// Login is the account's logon name (sAMAccountName).
	Login string
	// Addresses are the identity's e-mail addresses, phone numbers and
	// the like.
	Addresses []IdentityAddress
}

// IdentityAddress is an e-mail address, phone number or the like.
type IdentityAddress struct {
	// Type is the kind of address, such as "EMAIL" or "PHONE".
	Type string
	// Value is the address itself.
	Value string
}

// ServiceAccount is an account bound to a unit rather than a person (an
// AD robot, a shared mailbox).
type ServiceAccount struct {
	// Key is the source's id of the account.
	Key string
	// Unit is the key of the unit the account belongs to.
	Unit string
	// Login is the account's logon name (sAMAccountName).
	Login string
	// ObjectGUID is the account's Active Directory id, if known.
	ObjectGUID ID
	// Valid are the days the account is valid.
	Valid timeline.Interval
}
