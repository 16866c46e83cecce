package connectors_test

import (
	"fmt"

	"github.com/orgsync/orgsync/connectors"
)

// Names go into DNs through JoinDN, which escapes them; SplitDN gets them
// back exactly.
func ExampleJoinDN() {
	dn, err := connectors.JoinDN("CN", "Smith, John (ext)", "OU=Staff,DC=example,DC=org")
	if err != nil {
		panic(err)
	}
	fmt.Println(dn)
	rdn, parent, _ := connectors.SplitDN(dn)
	fmt.Printf("%q below %s\n", rdn.Value, parent)
	// Output:
	// CN=Smith\, John (ext),OU=Staff,DC=example,DC=org
	// "Smith, John (ext)" below OU=Staff,DC=example,DC=org
}

// Filters are data; a hostile value stays a value.
func ExampleFilter() {
	input := "*)(objectClass=*"
	f := connectors.And(connectors.Eq("objectCategory", "person"), connectors.Eq("sAMAccountName", input))
	fmt.Println(f.Validate())
	fmt.Println(f.LDAP())
	// Output:
	// <nil>
	// (&(objectCategory=person)(sAMAccountName=\2a\29\28objectClass=\2a))
}

// Two spellings of one DN are equal.
func ExampleEqualDN() {
	fmt.Println(connectors.EqualDN(`CN=a\3Db,OU=Staff,DC=example,DC=org`, `cn=A\=B, ou=staff, dc=example, dc=org`))
	// Output: true
}
