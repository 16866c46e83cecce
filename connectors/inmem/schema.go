package inmem

import "strings"

// attrDef describes an attribute of the twin's schema.
type attrDef struct {
	name   string // as AD writes it
	single bool
}

// baseSchema lists the attributes the twin accepts: the common attributes
// of AD users, groups and organizational units, named and flagged as in the
// base AD schema that Samba ships. The AD connector's tests check this
// table against a real Samba's schema.
var baseSchema = []attrDef{
	{"objectClass", false},
	{"cn", true},
	{"ou", false},
	{"name", true},
	{"distinguishedName", true},
	{"objectCategory", true},
	// AD's schema says description is multi-valued, but the SAM makes it
	// single-valued on users and groups, the objects orgsync writes.
	{"description", true},
	{"displayName", true},
	{"givenName", true},
	{"sn", true},
	{"initials", true},
	{"middleName", true},
	{"title", true},
	{"department", true},
	{"company", true},
	{"division", true},
	{"manager", true},
	{"managedBy", true},
	{"mail", true},
	{"proxyAddresses", false},
	{"userPrincipalName", true},
	{"sAMAccountName", true},
	{"employeeID", true},
	{"employeeNumber", true},
	{"employeeType", true},
	{"telephoneNumber", true},
	{"mobile", true},
	{"otherTelephone", false},
	{"otherMobile", false},
	{"facsimileTelephoneNumber", true},
	{"physicalDeliveryOfficeName", true},
	{"streetAddress", true},
	{"l", true},
	{"st", true},
	{"postalCode", true},
	{"c", true},
	{"co", true},
	{"info", true},
	{"url", false},
	{"wWWHomePage", true},
	{"homeDirectory", true},
	{"homeDrive", true},
	{"scriptPath", true},
	{"profilePath", true},
	{"accountExpires", true},
	{"groupType", true},
	{"member", false},
	{"memberOf", false},
	{"seeAlso", false},
	{"uid", false},
	{"uidNumber", true},
	{"gidNumber", true},
	{"loginShell", true},
	{"unixHomeDirectory", true},
	{"carLicense", false},
	{"departmentNumber", false},
	{"roomNumber", false},
	{"preferredLanguage", true},
	{"businessCategory", false},
	{"adminDescription", true},
	{"adminDisplayName", true},
	{"comment", true},
	{"userAccountControl", true},
}

// BaseSchema returns the names of the attributes the twin knows and whether
// each is single-valued, for tests that compare it with a real directory.
func BaseSchema() map[string]bool {
	m := make(map[string]bool, len(baseSchema))
	for _, a := range baseSchema {
		m[a.name] = a.single
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
			s[strings.ToLower(name)] = attrDef{name: name, single: true}
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
