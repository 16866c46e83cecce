package inmem

import "strings"

// attrDef describes an attribute of the twin's schema.
type attrDef struct {
	name   string // as AD writes it
	single bool   // single-valued
	upper  int    // rangeUpper: the most UTF-16 code units in a value; 0 for no limit
	syntax syntax
}

// syntax is how the twin checks and keeps an attribute's values.
type syntax uint8

const (
	syntaxText syntax = iota // Unicode or IA5 string (2.5.5.12, 2.5.5.5)
	syntaxDN                 // a DN (2.5.5.1): a reference that follows the object
	syntaxInt                // an integer or large integer (2.5.5.9, 2.5.5.16)
	syntaxOID                // an object identifier, here objectClass (2.5.5.2)
)

// syntaxOIDs are the attributeSyntax of each syntax, for the schema test.
var syntaxOIDs = map[syntax][]string{
	syntaxText: {"2.5.5.12", "2.5.5.5"},
	syntaxDN:   {"2.5.5.1"},
	syntaxInt:  {"2.5.5.9", "2.5.5.16"},
	syntaxOID:  {"2.5.5.2"},
}

// baseSchema lists the attributes the twin accepts: the common attributes
// of AD users, groups and organizational units, named and flagged as in the
// base AD schema that Samba ships. The AD connector's tests check this
// table against a real Samba's schema.
var baseSchema = []attrDef{
	{"objectClass", false, 0, syntaxOID},
	{"directReports", false, 0, syntaxDN},
	{"cn", true, 64, syntaxText},
	{"ou", false, 64, syntaxText},
	{"name", true, 255, syntaxText},
	{"distinguishedName", true, 0, syntaxDN},
	{"objectCategory", true, 0, syntaxDN},
	// AD's schema says description is multi-valued, but the SAM makes it
	// single-valued on users and groups, the objects orgsync writes.
	{"description", true, 1024, syntaxText},
	{"displayName", true, 256, syntaxText},
	{"givenName", true, 64, syntaxText},
	{"sn", true, 64, syntaxText},
	{"initials", true, 6, syntaxText},
	{"middleName", true, 64, syntaxText},
	{"title", true, 128, syntaxText},
	{"department", true, 64, syntaxText},
	{"company", true, 64, syntaxText},
	{"division", true, 256, syntaxText},
	{"manager", true, 0, syntaxDN},
	{"managedBy", true, 0, syntaxDN},
	{"mail", true, 256, syntaxText},
	{"proxyAddresses", false, 1123, syntaxText},
	{"userPrincipalName", true, 1024, syntaxText},
	{"sAMAccountName", true, 256, syntaxText},
	{"employeeID", true, 16, syntaxText},
	{"employeeNumber", true, 512, syntaxText},
	{"employeeType", true, 256, syntaxText},
	{"telephoneNumber", true, 64, syntaxText},
	{"mobile", true, 64, syntaxText},
	{"otherTelephone", false, 64, syntaxText},
	{"otherMobile", false, 64, syntaxText},
	{"facsimileTelephoneNumber", true, 64, syntaxText},
	{"physicalDeliveryOfficeName", true, 128, syntaxText},
	{"streetAddress", true, 1024, syntaxText},
	{"l", true, 128, syntaxText},
	{"st", true, 128, syntaxText},
	{"postalCode", true, 40, syntaxText},
	{"c", true, 3, syntaxText},
	{"co", true, 128, syntaxText},
	{"info", true, 1024, syntaxText},
	{"url", false, 0, syntaxText},
	{"wWWHomePage", true, 2048, syntaxText},
	{"homeDirectory", true, 0, syntaxText},
	{"homeDrive", true, 0, syntaxText},
	{"scriptPath", true, 0, syntaxText},
	{"profilePath", true, 0, syntaxText},
	{"accountExpires", true, 0, syntaxInt},
	{"groupType", true, 0, syntaxInt},
	{"member", false, 0, syntaxDN},
	{"memberOf", false, 0, syntaxDN},
	{"seeAlso", false, 0, syntaxDN},
	{"uid", false, 0, syntaxText},
	{"uidNumber", true, 0, syntaxInt},
	{"gidNumber", true, 0, syntaxInt},
	{"loginShell", true, 1024, syntaxText},
	{"unixHomeDirectory", true, 2048, syntaxText},
	{"carLicense", false, 0, syntaxText},
	{"departmentNumber", false, 0, syntaxText},
	{"roomNumber", false, 0, syntaxText},
	{"preferredLanguage", true, 0, syntaxText},
	{"businessCategory", false, 128, syntaxText},
	{"adminDescription", true, 1024, syntaxText},
	{"adminDisplayName", true, 256, syntaxText},
	{"comment", true, 0, syntaxText},
	{"userAccountControl", true, 0, syntaxInt},
}

// SchemaAttribute is what the twin knows of an attribute, for tests that
// compare its schema with a real directory's.
type SchemaAttribute struct {
	Single     bool     // single-valued
	RangeUpper int      // the most UTF-16 code units in a value; 0 for no limit
	Syntaxes   []string // the attributeSyntax OIDs that the twin's checks fit
}

// BaseSchema returns the attributes the twin knows, by name.
func BaseSchema() map[string]SchemaAttribute {
	m := make(map[string]SchemaAttribute, len(baseSchema))
	for _, a := range baseSchema {
		m[a.name] = SchemaAttribute{Single: a.single, RangeUpper: a.upper, Syntaxes: syntaxOIDs[a.syntax]}
	}
	return m
}

// schema maps lower-case attribute names to their definitions.
type schema map[string]attrDef

func newSchema(extra []string) schema {
	s := make(schema, len(baseSchema)+len(extra))
	for _, a := range baseSchema {
		s[strings.ToLower(a.name)] = a
	}
	for _, name := range extra {
		if _, ok := s[strings.ToLower(name)]; !ok {
			s[strings.ToLower(name)] = attrDef{name: name, single: true, upper: 1024}
		}
	}
	return s
}

func (s schema) lookup(name string) (attrDef, bool) {
	a, ok := s[strings.ToLower(name)]
	return a, ok
}

// classChains are the objectClass values AD stores for an object created
// with the last class of each chain (AD adds the superclasses).
var classChains = map[string][]string{
	"user":               {"top", "person", "organizationalPerson", "user"},
	"computer":           {"top", "person", "organizationalPerson", "user", "computer"},
	"contact":            {"top", "person", "organizationalPerson", "contact"},
	"group":              {"top", "group"},
	"organizationalunit": {"top", "organizationalUnit"},
	"container":          {"top", "container"},
}

// categories are the objectCategory of each structural class, as the CN of
// the class's schema object.
var categories = map[string]string{
	"user":               "Person",
	"computer":           "Computer",
	"contact":            "Person",
	"group":              "Group",
	"organizationalunit": "Organizational-Unit",
	"container":          "Container",
}
