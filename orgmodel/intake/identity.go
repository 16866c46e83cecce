package intake

import (
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/google/uuid"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// ADSystem is the System of the Active Directory accounts Identities
// makes unless IdentityOptions.AccountSystem says otherwise. It is the
// value adsync records and looks for (adsync.System), so that the AD
// engine links a person to the account an identity source reports.
const ADSystem = "Active Directory"

// IdentityOptions configure Identities.
type IdentityOptions struct {
	// CPR says which national ids identities may have. Set AllowFictive
	// only if the model's orgmodel.Options.CPR does too.
	CPR orgmodel.CPROptions
	// AccountSystem is the System of the accounts made from ObjectGUID
	// and Login; "" means ADSystem. Any other value hides the accounts
	// from adsync.
	AccountSystem string
	// TemporaryCategories are the identity categories that mark temporary
	// staff ("Vikar"), compared exactly. An identity of one of them gets
	// an engagement in its unit; others get none.
	TemporaryCategories []string
	// Unit resolves a unit key as the identity source writes it to the id
	// of a unit in the org model, and reports false for a key it does not
	// know. Typically it is the payroll source's id,
	//
	//	func(key string) (uuid.UUID, bool) {
	//		return orgmodel.SourceID("sd", orgmodel.KindUnit, key), true
	//	}
	//
	// or a lookup in the model (View.Lookup(orgmodel.KindUnit, key), with
	// an answer only for exactly one unit). It is asked only for the units
	// of temporary identities and service accounts; nil knows no unit.
	Unit func(key string) (uuid.UUID, bool)
}

// Validate reports what is wrong with the options.
func (o IdentityOptions) Validate() error {
	var errs []error
	if o.AccountSystem != "" {
		if err := connectors.CheckText(o.AccountSystem, orgmodel.MaxTextBytes); err != nil || blank(o.AccountSystem) {
			errs = append(errs, fmt.Errorf("intake: IdentityOptions.AccountSystem %q is not a system's name", clip(o.AccountSystem)))
		}
	}
	for i, c := range o.TemporaryCategories {
		if err := connectors.CheckText(c, orgmodel.MaxTextBytes); err != nil || blank(c) {
			errs = append(errs, fmt.Errorf("intake: IdentityOptions.TemporaryCategories[%d] %q is not a category", i, clip(c)))
		}
	}
	return errors.Join(errs...)
}

// Identities turns an identity source's snapshot into the org-model
// snapshot of the source. An identity becomes a person, and may bring an
// AD account, addresses and (for temporary staff) an engagement; a service
// account becomes an account of its unit. The package doc gives the
// mapping field by field.
//
// It checks every record first: keys present, bounded and unique, text
// that is UTF-8 without control characters, intervals that hold a day,
// national ids that orgmodel.ParseCPR accepts under opts.CPR and that no
// two identities share, ObjectGUIDs that are lower-case UUIDs and that no
// two accounts share, names and logons that are not only white space, and
// units that opts.Unit resolves where one is needed. A snapshot with any
// problem gives no snapshot: the error joins every problem found, each an
// *IdentityError. No error text holds a national id in full.
func Identities(source string, s *connectors.IdentitySnapshot, opts IdentityOptions) (orgmodel.Snapshot, error) {
	if err := checkSource(source); err != nil {
		return orgmodel.Snapshot{}, err
	}
	if s == nil {
		return orgmodel.Snapshot{}, errors.New("intake: no identity snapshot")
	}
	if err := opts.Validate(); err != nil {
		return orgmodel.Snapshot{}, err
	}
	c := identityChecker{
		opts:  opts,
		keys:  make(map[string]int, len(s.Identities)),
		cprs:  make(map[orgmodel.CPR]string),
		guids: make(map[string]string),
	}
	idents := make([]checkedIdentity, len(s.Identities))
	for i := range s.Identities {
		idents[i] = c.identity(i, &s.Identities[i])
	}
	serviceKeys := make(map[string]int, len(s.ServiceAccounts))
	units := make([]uuid.UUID, len(s.ServiceAccounts))
	for i := range s.ServiceAccounts {
		units[i] = c.service(i, &s.ServiceAccounts[i], serviceKeys)
	}
	if len(c.errs) > 0 {
		return orgmodel.Snapshot{}, errors.Join(c.errs...)
	}

	system := opts.AccountSystem
	if system == "" {
		system = ADSystem
	}
	objs := make([]orgmodel.Object, 0, 3*len(s.Identities)+len(s.ServiceAccounts))
	add := func(k orgmodel.Kind, key, idKey string, iv timeline.Interval, a orgmodel.Attrs) uuid.UUID {
		o := orgmodel.Object{ID: orgmodel.SourceID(source, k, idKey), Kind: k, UserKey: key, Source: source, Timeline: timeline.Of(iv, a)}
		objs = append(objs, o)
		return o.ID
	}
	for i := range s.Identities {
		id, ci := &s.Identities[i], idents[i]
		person := add(orgmodel.KindPerson, id.Key, id.Key, id.Valid, orgmodel.PersonAttrs{GivenNames: id.GivenNames, Surname: id.Surname, NationalID: ci.cpr})
		if ci.unit != uuid.Nil {
			add(orgmodel.KindEngagement, id.Key, id.Key, id.Valid, orgmodel.EngagementAttrs{Person: person, Unit: ci.unit, JobFunction: id.JobTitle, Type: id.Category})
		}
		if id.Login != "" {
			add(orgmodel.KindAccount, id.Key, id.Key, id.Valid, orgmodel.AccountAttrs{System: system, Username: id.Login, ExternalID: string(id.ObjectGUID), Person: person})
		}
		seen := make(map[connectors.IdentityAddress]bool, len(id.Addresses))
		n := make(map[string]int, len(id.Addresses))
		for _, a := range id.Addresses {
			if seen[a] {
				continue
			}
			seen[a] = true
			add(orgmodel.KindAddress, id.Key, addressKey(id.Key, a.Type, n[a.Type]), id.Valid, orgmodel.AddressAttrs{Type: a.Type, Value: a.Value, Person: person})
			n[a.Type]++
		}
	}
	for i := range s.ServiceAccounts {
		sa := &s.ServiceAccounts[i]
		add(orgmodel.KindAccount, sa.Key, serviceKey(sa.Key), sa.Valid, orgmodel.AccountAttrs{System: system, Username: sa.Login, ExternalID: string(sa.ObjectGUID), Unit: units[i]})
	}
	return orgmodel.Snapshot{Source: source, Objects: objs}, nil
}

// addressKey is what the id of an identity's n-th address of a type
// derives from. Keys hold no NUL, so it cannot be any record's key.
func addressKey(key, typ string, n int) string {
	return key + "\x00" + typ + "\x00" + strconv.Itoa(n)
}

// serviceKey is what the id of a service account's account derives from,
// kept apart from the identities' accounts, whose keys may be the same.
func serviceKey(key string) string { return "\x00service\x00" + key }

// checkedIdentity is what checking an identity found out.
type checkedIdentity struct {
	cpr  orgmodel.CPR
	unit uuid.UUID // the engagement's unit; uuid.Nil for no engagement
}

// identityChecker checks an identity snapshot's records, collecting every
// problem.
type identityChecker struct {
	opts  IdentityOptions
	errs  []error
	keys  map[string]int          // identity key → index
	cprs  map[orgmodel.CPR]string // national id → identity key
	guids map[string]string       // ObjectGUID → who has it, for messages
}

func (c *identityChecker) fail(service bool, i int, key, field string, err error) {
	c.errs = append(c.errs, &IdentityError{ServiceAccount: service, Index: i, Key: clip(key), Field: field, Err: err})
}

// key checks a record's key, or a reference to a unit, when present, and
// reports whether it is good.
func (c *identityChecker) key(service bool, i int, key, field, v string) bool {
	if err := connectors.CheckText(v, connectors.MaxKeyBytes); err != nil {
		c.fail(service, i, key, field, err)
		return false
	}
	return true
}

// text checks a text field; a required one must hold more than white
// space.
func (c *identityChecker) text(service bool, i int, key, field, v string, required bool) {
	if required && blank(v) {
		what := "is empty"
		if v != "" {
			what = "is only white space"
		}
		c.fail(service, i, key, field, errors.New(what))
		return
	}
	if err := connectors.CheckText(v, connectors.MaxFieldBytes); err != nil {
		c.fail(service, i, key, field, err)
	}
}

// row checks a record's key and validity, and that the key is unique.
func (c *identityChecker) row(service bool, i int, key string, valid timeline.Interval, seen map[string]int) {
	if key == "" {
		c.fail(service, i, key, "Key", errors.New("is empty"))
	} else {
		c.key(service, i, key, "Key", key)
		if j, dup := seen[key]; dup {
			c.fail(service, i, key, "Key", fmt.Errorf("%w (row %d)", ErrDuplicateKey, j+1))
		} else {
			seen[key] = i
		}
	}
	if err := valid.Validate(); err != nil {
		c.fail(service, i, key, "Valid", err)
	}
}

// guid checks an ObjectGUID: a lower-case UUID, not nil, on no other
// account.
func (c *identityChecker) guid(service bool, i int, key string, g connectors.ID, who string) {
	if g == "" {
		return
	}
	u, err := uuid.Parse(string(g))
	if err != nil || u.String() != string(g) || u == uuid.Nil {
		c.fail(service, i, key, "ObjectGUID", fmt.Errorf("%w: %q", ErrBadGUID, clip(string(g))))
		return
	}
	if other, dup := c.guids[string(g)]; dup {
		c.fail(service, i, key, "ObjectGUID", fmt.Errorf("%w (%s)", ErrDuplicateAccount, other))
		return
	}
	c.guids[string(g)] = who
}

// unit resolves the unit key of a record that needs a unit.
func (c *identityChecker) unit(service bool, i int, key, unit, why string) uuid.UUID {
	if unit == "" {
		c.fail(service, i, key, "Unit", errors.New("is empty; "+why))
		return uuid.Nil
	}
	if !c.key(service, i, key, "Unit", unit) {
		return uuid.Nil
	}
	if c.opts.Unit != nil {
		if id, ok := c.opts.Unit(unit); ok && id != uuid.Nil {
			return id
		}
	}
	c.fail(service, i, key, "Unit", fmt.Errorf("%w %q (%s)", ErrUnitNotFound, clip(unit), why))
	return uuid.Nil
}

func (c *identityChecker) identity(i int, id *connectors.Identity) checkedIdentity {
	var out checkedIdentity
	k := id.Key
	c.row(false, i, k, id.Valid, c.keys)
	if id.NationalID != "" {
		cpr, err := orgmodel.ParseCPR(string(id.NationalID), c.opts.CPR)
		switch {
		case err != nil:
			c.fail(false, i, k, "NationalID", err)
		case c.cprs[cpr] != "" && c.cprs[cpr] != k:
			c.fail(false, i, k, "NationalID", fmt.Errorf("%w (%s, the identity %q)", ErrDuplicateNationalID, cpr, clip(c.cprs[cpr])))
		default:
			c.cprs[cpr] = k
			out.cpr = cpr
		}
	}
	c.text(false, i, k, "GivenNames", id.GivenNames, false)
	c.text(false, i, k, "Surname", id.Surname, false)
	if blank(id.GivenNames) && blank(id.Surname) {
		c.fail(false, i, k, "Surname", errors.New("the identity has no name"))
	}
	c.text(false, i, k, "JobTitle", id.JobTitle, false)
	c.text(false, i, k, "Category", id.Category, false)
	if slices.Contains(c.opts.TemporaryCategories, id.Category) {
		out.unit = c.unit(false, i, k, id.Unit, "a temporary identity's engagement needs a unit")
	} else if id.Unit != "" {
		c.key(false, i, k, "Unit", id.Unit)
	}
	c.guid(false, i, k, id.ObjectGUID, "the identity "+strconv.Quote(clip(k)))
	switch {
	case id.Login != "":
		c.text(false, i, k, "Login", id.Login, true)
	case id.ObjectGUID != "":
		c.fail(false, i, k, "Login", errors.New("is empty, and the identity has an ObjectGUID: an account needs a logon name"))
	}
	for j, a := range id.Addresses {
		c.text(false, i, k, "Addresses["+strconv.Itoa(j)+"].Type", a.Type, true)
		c.text(false, i, k, "Addresses["+strconv.Itoa(j)+"].Value", a.Value, true)
	}
	return out
}

func (c *identityChecker) service(i int, sa *connectors.ServiceAccount, seen map[string]int) uuid.UUID {
	k := sa.Key
	c.row(true, i, k, sa.Valid, seen)
	c.text(true, i, k, "Login", sa.Login, true)
	c.guid(true, i, k, sa.ObjectGUID, "the service account "+strconv.Quote(clip(k)))
	return c.unit(true, i, k, sa.Unit, "a service account belongs to a unit")
}
