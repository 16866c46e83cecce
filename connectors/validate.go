package connectors

import (
	"strings"
	"unicode/utf8"
)

// reserved are attributes that no Create or Modify may write, because a
// connector manages them itself or another operation owns them. The value
// says what to use instead.
var reserved = map[string]string{
	"objectguid":         "it is assigned by the directory",
	"objectsid":          "it is assigned by the directory",
	"distinguishedname":  "use Move",
	"name":               "use Move",
	"memberof":           "it is maintained by the directory; use GroupManager on the group",
	"directreports":      "it is maintained by the directory; set manager on the report",
	"member":             "use GroupManager",
	"useraccountcontrol": "use Enabler, which keeps the other account flags",
	"unicodepwd":         "use PasswordSetter or CreateRequest.Password",
	"userpassword":       "use PasswordSetter or CreateRequest.Password",
}

// MaxRequestBytes bounds the values of one Create or Modify. AD refuses
// larger requests by dropping the connection (its MaxReceiveBuffer is 10
// MiB), which would look like a network failure; a connector refuses them
// first, as Invalid.
const MaxRequestBytes = 8 << 20

func checkSize(op string, attrs []Attribute) error {
	n := 0
	for _, a := range attrs {
		for _, v := range a.Values {
			n += len(v)
		}
	}
	if n > MaxRequestBytes {
		return Errorf(Invalid, op, "the request holds %d bytes of values; the most is %d", n, MaxRequestBytes)
	}
	return nil
}

// CheckCreate checks a CreateRequest before it is sent: a DN whose RDN
// agrees with any value given for the RDN's attribute, an objectClass,
// attribute names that are names and are not reserved, no attribute twice,
// non-empty values, and a password wherever the account is to be enabled.
// Its errors are Invalid.
func CheckCreate(req CreateRequest) error {
	const op = "create"
	rdn, parent, err := SplitDN(req.DN)
	if err != nil {
		return err
	}
	if parent == "" {
		return Errorf(Invalid, op, "%q has no parent", req.DN)
	}
	seen := map[string]bool{}
	hasClass := false
	for _, a := range req.Attributes {
		name := strings.ToLower(a.Name)
		if err := checkAttribute(op, a.Name, a.Values); err != nil {
			return err
		}
		if len(a.Values) == 0 {
			return Errorf(Invalid, op, "attribute %s has no values", a.Name)
		}
		if seen[name] {
			return Errorf(Invalid, op, "attribute %s is given twice", a.Name)
		}
		seen[name] = true
		switch {
		case name == "objectclass":
			hasClass = true
		case strings.EqualFold(a.Name, rdn.Type):
			if len(a.Values) != 1 || FoldCase(a.Values[0]) != FoldCase(rdn.Value) {
				return Errorf(Invalid, op, "attribute %s does not match the DN's %s", a.Name, rdn.Type)
			}
		}
	}
	if !hasClass {
		return Errorf(Invalid, op, "no objectClass given for %q", req.DN)
	}
	if err := checkSize(op, req.Attributes); err != nil {
		return err
	}
	if req.Enabled && req.Password == "" {
		return Errorf(Invalid, op, "an account can only be created enabled with a password")
	}
	if (req.Enabled || req.Password != "") && !IsAccount(req.Attributes) {
		return Errorf(Invalid, op, "only accounts (objectClass user) have passwords")
	}
	return nil
}

// IsAccount reports whether attributes describe an account: an object whose
// objectClass includes user (which covers computers).
func IsAccount(attrs []Attribute) bool {
	for _, a := range attrs {
		if strings.EqualFold(a.Name, "objectClass") {
			for _, v := range a.Values {
				if strings.EqualFold(v, "user") {
					return true
				}
			}
		}
	}
	return false
}

// CheckModifications checks a Modify request before it is sent: at least
// one modification, known operations, attribute names that are names and
// are not reserved (nor the RDN's attribute, which only Move changes),
// values for every add, and non-empty values. Its errors are Invalid.
func CheckModifications(mods []Modification) error {
	const op = "modify"
	if len(mods) == 0 {
		return Errorf(Invalid, op, "no modifications")
	}
	for _, m := range mods {
		if m.Op > ModDelete {
			return Errorf(Invalid, op, "unknown operation %d on %s", m.Op, m.Name)
		}
		if err := checkAttribute(op, m.Name, m.Values); err != nil {
			return err
		}
		switch strings.ToLower(m.Name) {
		case "cn", "ou", "dc", "objectclass":
			return Errorf(Invalid, op, "attribute %s cannot be modified: use Move to rename", m.Name)
		}
		if m.Op == ModAdd && len(m.Values) == 0 {
			return Errorf(Invalid, op, "add to %s has no values", m.Name)
		}
	}
	attrs := make([]Attribute, len(mods))
	for i, m := range mods {
		attrs[i] = Attribute{Name: m.Name, Values: m.Values}
	}
	return checkSize(op, attrs)
}

// CheckMove checks a MoveRequest: something to do, a DN for the new parent,
// a UTF-8 name.
func CheckMove(req MoveRequest) error {
	const op = "move"
	if req.NewParent == "" && req.NewName == "" {
		return Errorf(Invalid, op, "neither a new parent nor a new name")
	}
	if req.NewParent != "" {
		if _, err := ParseDN(req.NewParent); err != nil {
			return err
		}
	}
	if req.NewName != "" {
		if err := checkRDN("CN", req.NewName); err != nil {
			return err
		}
	}
	return nil
}

// CheckPassword checks that a password can be sent at all (the directory's
// policy decides whether it is good enough).
func CheckPassword(pw Secret) error {
	if pw == "" {
		return Errorf(Invalid, "set password", "the password is empty")
	}
	if !utf8.ValidString(string(pw)) {
		return Errorf(Invalid, "set password", "the password is not valid UTF-8")
	}
	return nil
}

// CheckSearch checks a SearchRequest before it is sent: a valid filter,
// attribute names that are names, a known scope, a base that is a DN (or
// empty, for the connector's base). Its errors are Invalid.
func CheckSearch(req SearchRequest) error {
	const op = "search"
	if err := req.Filter.Validate(); err != nil {
		return err
	}
	if err := CheckAttributeNames(op, req.Attributes); err != nil {
		return err
	}
	if req.Scope > ScopeBase {
		return Errorf(Invalid, op, "unknown scope %d", req.Scope)
	}
	if req.BaseDN != "" {
		if _, err := ParseDN(req.BaseDN); err != nil {
			return err
		}
	}
	return nil
}

// CheckAttributeNames checks the attribute names of a read or search.
func CheckAttributeNames(op string, names []string) error {
	for _, n := range names {
		if n == "*" || n == "+" {
			continue
		}
		if !validAttrName(n) {
			return Errorf(Invalid, op, "%q is not an attribute name", n)
		}
	}
	return nil
}

func checkAttribute(op, name string, values []string) error {
	if !validAttrName(name) {
		return Errorf(Invalid, op, "%q is not an attribute name", name)
	}
	if why, ok := reserved[strings.ToLower(name)]; ok {
		return Errorf(Invalid, op, "attribute %s cannot be written here: %s", name, why)
	}
	seen := make(map[string]bool, len(values))
	for _, v := range values {
		if v == "" {
			return Errorf(Invalid, op, "attribute %s has an empty value (remove the attribute instead)", name)
		}
		if seen[v] {
			return Errorf(Invalid, op, "attribute %s has the same value twice", name)
		}
		seen[v] = true
	}
	return nil
}
