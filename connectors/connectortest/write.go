package connectortest

import (
	"strings"
	"testing"

	"github.com/orgsync/orgsync/connectors"
	"github.com/stretchr/testify/require"
)

func testCreateAndRead(t *testing.T, s *suite) {
	req, sam := s.userRequest(t, "Jane Doe", s.Base,
		attr("givenName", "Jane"), attr("sn", "Doe"), attr("displayName", "Jane Doe"),
		attr("mail", "jane.doe@"+s.Domain), attr("proxyAddresses", "SMTP:jane.doe@"+s.Domain, "smtp:jd@"+s.Domain))
	id := s.create(t, req)

	e := s.read(t, id)
	requireSameDN(t, req.DN, e.DN)
	require.True(t, e.Disabled, "accounts are created disabled")
	require.Equal(t, sam, e.First("SAMACCOUNTNAME"), "attribute names are case-insensitive")
	require.Equal(t, "Jane", e.First("givenName"))
	require.Equal(t, "Jane Doe", e.First("cn"), "the RDN's attribute is set from the DN")
	require.ElementsMatch(t, []string{"SMTP:jane.doe@" + s.Domain, "smtp:jd@" + s.Domain}, e.Get("proxyAddresses"))
	require.Contains(t, lowerAll(e.Get("objectClass")), "user")

	only := s.read(t, id, "givenName")
	require.Equal(t, "Jane", only.First("givenName"))
	require.Empty(t, only.Get("sn"), "only the requested attributes")

	byDN, err := s.Dir.ReadDN(s.ctx, strings.ToUpper(req.DN), []string{"sn"})
	require.NoError(t, err, "DNs are case-insensitive")
	require.Equal(t, id, byDN.ID)
	require.Equal(t, "Doe", byDN.First("sn"))

	enabledReq, _ := s.userRequest(t, "Enabled User", s.Base)
	enabledReq.Password, enabledReq.Enabled = "Sup3r!Secret", true
	enabled := s.read(t, s.create(t, enabledReq))
	require.False(t, enabled.Disabled, "created enabled with a password")

	ou := s.newOU(t, "Unit", s.Base)
	require.False(t, s.read(t, ou).Disabled, "an OU is not an account")
}

func lowerAll(v []string) []string {
	out := make([]string, len(v))
	for i, s := range v {
		out[i] = strings.ToLower(s)
	}
	return out
}

func testCreateRejects(t *testing.T, s *suite) {
	c := s.Dir.(connectors.Creator)
	good, _ := s.userRequest(t, "Reject Me", s.Base)
	for _, tc := range []struct {
		why  string
		kind connectors.Kind
		edit func(*connectors.CreateRequest)
	}{
		{"missing parent", connectors.NotFound, func(r *connectors.CreateRequest) { r.DN = "CN=x,OU=missing," + s.Base }},
		{"malformed DN", connectors.Invalid, func(r *connectors.CreateRequest) { r.DN = "no equals sign" }},
		{"no objectClass", connectors.Invalid, func(r *connectors.CreateRequest) { r.Attributes = r.Attributes[1:] }},
		{"empty value", connectors.Invalid, func(r *connectors.CreateRequest) { r.Attributes = append(r.Attributes, attr("description", "")) }},
		{"unknown attribute", connectors.Invalid, func(r *connectors.CreateRequest) {
			r.Attributes = append(r.Attributes, attr("orgsyncNoSuchAttribute", "x"))
		}},
		{"two values for a single-valued attribute", connectors.Constraint, func(r *connectors.CreateRequest) {
			r.Attributes = append(r.Attributes, attr("displayName", "a", "b"))
		}},
		{"userAccountControl written directly", connectors.Invalid, func(r *connectors.CreateRequest) {
			r.Attributes = append(r.Attributes, attr("userAccountControl", "512"))
		}},
		{"unicodePwd written directly", connectors.Invalid, func(r *connectors.CreateRequest) {
			r.Attributes = append(r.Attributes, attr("unicodePwd", "x"))
		}},
		{"cn disagrees with the DN", connectors.Invalid, func(r *connectors.CreateRequest) { r.Attributes = append(r.Attributes, attr("cn", "Other")) }},
		{"enabled without a password", connectors.Invalid, func(r *connectors.CreateRequest) { r.Enabled = true }},
		{"password too short", connectors.Constraint, func(r *connectors.CreateRequest) { r.Password = "Ab1!" }},
		{"password not complex", connectors.Constraint, func(r *connectors.CreateRequest) { r.Password = "password1" }},
	} {
		req := good
		req.Attributes = append([]connectors.Attribute(nil), good.Attributes...)
		tc.edit(&req)
		_, err := c.Create(s.ctx, req)
		requireKind(t, tc.kind, err, tc.why)
	}
	require.Empty(t, s.search(t, connectors.SearchRequest{BaseDN: s.Base, Filter: connectors.Eq("objectClass", "user")}),
		"a refused create leaves nothing behind")
}

func testCreateNameTaken(t *testing.T, s *suite) {
	c := s.Dir.(connectors.Creator)
	first, sam := s.userRequest(t, "First", s.Base)
	s.create(t, first)

	sameDN, _ := s.userRequest(t, "FIRST", s.Base)
	_, err := c.Create(s.ctx, sameDN)
	requireKind(t, connectors.AlreadyExists, err, "same DN, other case")

	sameSAM, _ := s.userRequest(t, "Second", s.Base)
	setAttr(&sameSAM, "sAMAccountName", strings.ToUpper(sam))
	_, err = c.Create(s.ctx, sameSAM)
	requireKind(t, connectors.AlreadyExists, err, "same sAMAccountName, other case")

	sameUPN, _ := s.userRequest(t, "Third", s.Base)
	setAttr(&sameUPN, "userPrincipalName", s.upn(sam))
	_, err = c.Create(s.ctx, sameUPN)
	requireKind(t, connectors.AlreadyExists, err, "same userPrincipalName")

	users := s.search(t, connectors.SearchRequest{BaseDN: s.Base, Filter: connectors.Eq("objectClass", "user")})
	require.Len(t, users, 1, "only the first account exists")
}

func setAttr(r *connectors.CreateRequest, name string, values ...string) {
	for i, a := range r.Attributes {
		if strings.EqualFold(a.Name, name) {
			r.Attributes[i].Values = values
			return
		}
	}
	r.Attributes = append(r.Attributes, attr(name, values...))
}

func testModify(t *testing.T, s *suite) {
	m := s.Dir.(connectors.Modifier)
	id := s.newUser(t, "Mod User", attr("givenName", "Old"), attr("otherTelephone", "1", "2"), attr("title", "Clerk"))
	require.NoError(t, m.Modify(s.ctx, id, []connectors.Modification{
		{Op: connectors.ModReplace, Name: "givenName", Values: []string{"New"}},
		{Op: connectors.ModAdd, Name: "otherTelephone", Values: []string{"3"}},
		{Op: connectors.ModDelete, Name: "otherTelephone", Values: []string{"1"}},
		{Op: connectors.ModReplace, Name: "title"},
		{Op: connectors.ModReplace, Name: "department"}, // absent: not an error
		{Op: connectors.ModReplace, Name: "displayName", Values: []string{"Smith, John (ext)\\*"}},
	}))
	e := s.read(t, id)
	require.Equal(t, "New", e.First("givenName"))
	require.ElementsMatch(t, []string{"2", "3"}, e.Get("otherTelephone"))
	require.Empty(t, e.Get("title"), "replace with no values removes the attribute")
	require.Empty(t, e.Get("department"))
	require.Equal(t, "Smith, John (ext)\\*", e.First("displayName"))

	require.NoError(t, m.Modify(s.ctx, id, []connectors.Modification{{Op: connectors.ModDelete, Name: "otherTelephone"}}))
	require.Empty(t, s.read(t, id).Get("otherTelephone"), "delete without values removes the attribute")
}

func testModifyIsAtomic(t *testing.T, s *suite) {
	m := s.Dir.(connectors.Modifier)
	id := s.newUser(t, "Atomic", attr("givenName", "Before"), attr("otherTelephone", "1"))
	err := m.Modify(s.ctx, id, []connectors.Modification{
		{Op: connectors.ModReplace, Name: "givenName", Values: []string{"After"}},
		{Op: connectors.ModAdd, Name: "otherTelephone", Values: []string{"1"}},
	})
	requireKind(t, connectors.AlreadyExists, err, "adding a value that is there")
	require.Equal(t, "Before", s.read(t, id).First("givenName"), "a failed modify changes nothing")

	err = m.Modify(s.ctx, id, []connectors.Modification{
		{Op: connectors.ModReplace, Name: "givenName", Values: []string{"After"}},
		{Op: connectors.ModDelete, Name: "otherTelephone", Values: []string{"9"}},
	})
	requireKind(t, connectors.NotFound, err, "deleting a value that is not there")
	require.Equal(t, "Before", s.read(t, id).First("givenName"), "a failed modify changes nothing")
}

func testModifyRejects(t *testing.T, s *suite) {
	m := s.Dir.(connectors.Modifier)
	id := s.newUser(t, "Reject Mods")
	other, otherSAM := s.userRequest(t, "Other", s.Base)
	s.create(t, other)
	for _, tc := range []struct {
		why  string
		kind connectors.Kind
		mod  connectors.Modification
	}{
		{"empty value", connectors.Invalid, connectors.Modification{Op: connectors.ModReplace, Name: "description", Values: []string{""}}},
		{"unknown attribute", connectors.Invalid, connectors.Modification{Op: connectors.ModReplace, Name: "orgsyncNoSuchAttribute", Values: []string{"x"}}},
		{"malformed attribute name", connectors.Invalid, connectors.Modification{Op: connectors.ModReplace, Name: "cn=x", Values: []string{"x"}}},
		{"the RDN's attribute", connectors.Invalid, connectors.Modification{Op: connectors.ModReplace, Name: "cn", Values: []string{"x"}}},
		{"userAccountControl", connectors.Invalid, connectors.Modification{Op: connectors.ModReplace, Name: "userAccountControl", Values: []string{"512"}}},
		{"unicodePwd", connectors.Invalid, connectors.Modification{Op: connectors.ModReplace, Name: "unicodePwd", Values: []string{"x"}}},
		{"member", connectors.Invalid, connectors.Modification{Op: connectors.ModAdd, Name: "member", Values: []string{s.Base}}},
		{"add without values", connectors.Invalid, connectors.Modification{Op: connectors.ModAdd, Name: "otherTelephone"}},
		{"two values, single-valued", connectors.Constraint, connectors.Modification{Op: connectors.ModReplace, Name: "displayName", Values: []string{"a", "b"}}},
		{"a taken sAMAccountName", connectors.AlreadyExists, connectors.Modification{Op: connectors.ModReplace, Name: "sAMAccountName", Values: []string{otherSAM}}},
		{"a taken userPrincipalName", connectors.AlreadyExists, connectors.Modification{Op: connectors.ModReplace, Name: "userPrincipalName", Values: []string{s.upn(otherSAM)}}},
		{"delete of an absent attribute", connectors.NotFound, connectors.Modification{Op: connectors.ModDelete, Name: "title"}},
	} {
		err := m.Modify(s.ctx, id, []connectors.Modification{tc.mod})
		requireKind(t, tc.kind, err, tc.why)
	}
	requireKind(t, connectors.Invalid, m.Modify(s.ctx, id, nil), "no modifications")
	err := m.Modify(s.ctx, connectors.ID("00000000-0000-4000-8000-000000000000"), []connectors.Modification{
		{Op: connectors.ModReplace, Name: "title", Values: []string{"x"}}})
	requireKind(t, connectors.NotFound, err, "modify of an unknown id")
}

func testMove(t *testing.T, s *suite) {
	mv := s.Dir.(connectors.Mover)
	a := s.newOU(t, "A", s.Base)
	b := s.newOU(t, "B", s.Base)
	aDN, bDN := s.read(t, a).DN, s.read(t, b).DN
	req, _ := s.userRequest(t, "Mover", aDN, attr("givenName", "Kept"))
	id := s.create(t, req)
	s.newUser(t, "Taken")

	newDN, err := mv.Move(s.ctx, id, connectors.MoveRequest{NewName: "Renamed"})
	require.NoError(t, err, "rename")
	requireSameDN(t, dn(t, "CN", "Renamed", aDN), newDN)
	e := s.read(t, id, "cn", "givenName")
	require.Equal(t, "Renamed", e.First("cn"), "cn follows the rename")
	require.Equal(t, "Kept", e.First("givenName"))

	newDN, err = mv.Move(s.ctx, id, connectors.MoveRequest{NewParent: bDN})
	require.NoError(t, err, "move")
	requireSameDN(t, dn(t, "CN", "Renamed", bDN), newDN)

	newDN, err = mv.Move(s.ctx, id, connectors.MoveRequest{NewParent: aDN, NewName: "Both"})
	require.NoError(t, err, "move and rename")
	requireSameDN(t, dn(t, "CN", "Both", aDN), newDN)
	requireSameDN(t, newDN, s.read(t, id).DN)

	_, err = mv.Move(s.ctx, id, connectors.MoveRequest{NewParent: s.Base, NewName: "Taken"})
	requireKind(t, connectors.AlreadyExists, err, "move onto an existing name")
	_, err = mv.Move(s.ctx, id, connectors.MoveRequest{NewParent: "OU=missing," + s.Base})
	requireKind(t, connectors.NotFound, err, "move below a missing parent")
	_, err = mv.Move(s.ctx, id, connectors.MoveRequest{})
	requireKind(t, connectors.Invalid, err, "a move that moves nothing")
	requireSameDN(t, newDN, s.read(t, id).DN, "failed moves leave the object where it was")
}

func testDelete(t *testing.T, s *suite) {
	del := s.Dir.(connectors.Deleter)
	ou := s.newOU(t, "Parent", s.Base)
	req, _ := s.userRequest(t, "Child", s.read(t, ou).DN)
	child := s.create(t, req)

	requireKind(t, connectors.Constraint, del.Delete(s.ctx, ou), "delete of an object with children")
	require.NoError(t, del.Delete(s.ctx, child))
	_, err := s.Dir.Read(s.ctx, child, nil)
	requireKind(t, connectors.NotFound, err, "a deleted object is gone")
	requireKind(t, connectors.NotFound, del.Delete(s.ctx, child), "delete twice")
	require.NoError(t, del.Delete(s.ctx, ou), "an emptied OU can be deleted")
}

// testReferences: a DN-syntax attribute (manager) names an object: it
// must exist, it follows the object through a rename, the named object
// lists its reports, and it vanishes when the object is deleted.
func testReferences(t *testing.T, s *suite) {
	m := s.Dir.(connectors.Modifier)
	report := s.newUser(t, "Report")
	boss := s.newUser(t, "Boss")
	bossDN := s.read(t, boss).DN
	require.NoError(t, m.Modify(s.ctx, report, []connectors.Modification{
		{Op: connectors.ModReplace, Name: "manager", Values: []string{strings.ToLower(bossDN)}}}))
	got := s.read(t, report, "manager").Get("manager")
	require.Len(t, got, 1)
	requireSameDN(t, bossDN, got[0])
	reports := s.read(t, boss, "directReports").Get("directReports")
	require.Len(t, reports, 1, "the manager lists the report")
	requireSameDN(t, s.read(t, report).DN, reports[0])
	found := s.search(t, connectors.SearchRequest{BaseDN: s.Base, Filter: connectors.Eq("manager", bossDN)})
	require.Equal(t, []connectors.ID{report}, ids(found), "search by manager")

	newDN, err := s.Dir.(connectors.Mover).Move(s.ctx, boss, connectors.MoveRequest{NewName: "Boss Renamed"})
	require.NoError(t, err)
	got = s.read(t, report, "manager").Get("manager")
	require.Len(t, got, 1)
	requireSameDN(t, newDN, got[0])

	err = m.Modify(s.ctx, report, []connectors.Modification{
		{Op: connectors.ModReplace, Name: "manager", Values: []string{"CN=Nobody," + s.Base}}})
	requireKind(t, connectors.NotFound, err, "a manager that does not exist")
	err = m.Modify(s.ctx, report, []connectors.Modification{
		{Op: connectors.ModReplace, Name: "manager", Values: []string{"Nobody"}}})
	requireKind(t, connectors.Invalid, err, "a manager that is not a DN")
	err = m.Modify(s.ctx, report, []connectors.Modification{
		{Op: connectors.ModReplace, Name: "directReports", Values: []string{bossDN}}})
	requireKind(t, connectors.Invalid, err, "directReports is the directory's")

	require.NoError(t, s.Dir.(connectors.Deleter).Delete(s.ctx, boss))
	require.Empty(t, s.read(t, report, "manager").Get("manager"), "a deleted manager is no one's manager")
}

// testValueLimits: AD's schema bounds values (rangeUpper, counted in
// UTF-16 code units) and checks integers and account names.
func testValueLimits(t *testing.T, s *suite) {
	m := s.Dir.(connectors.Modifier)
	id := s.newUser(t, "Limits")
	replace := func(name string, v string) error {
		return m.Modify(s.ctx, id, []connectors.Modification{{Op: connectors.ModReplace, Name: name, Values: []string{v}}})
	}
	require.NoError(t, replace("givenName", strings.Repeat("æ", 64)), "64 characters fit givenName")
	requireKind(t, connectors.Invalid, replace("givenName", strings.Repeat("æ", 65)), "65 characters do not")
	require.NoError(t, replace("givenName", strings.Repeat("😀", 32)), "32 emoji are 64 UTF-16 units")
	requireKind(t, connectors.Invalid, replace("givenName", strings.Repeat("😀", 33)), "33 emoji are 66")
	requireKind(t, connectors.Invalid, replace("employeeID", strings.Repeat("1", 17)), "employeeID holds 16")
	requireKind(t, connectors.Invalid, replace("uidNumber", "many"), "uidNumber is an integer")
	require.NoError(t, replace("uidNumber", "10001"))
	requireKind(t, connectors.Constraint, replace("sAMAccountName", "a/b"), "a sAMAccountName with '/'")
	requireKind(t, connectors.Invalid, replace("info", strings.Repeat("x", connectors.MaxRequestBytes+1)), "a request over the size limit")
	e := s.read(t, id, "givenName", "uidNumber")
	require.Equal(t, strings.Repeat("😀", 32), e.First("givenName"), "the last good value stayed")
	require.Equal(t, "10001", e.First("uidNumber"))
}
