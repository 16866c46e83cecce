package omada_test

import (
	"testing"
	"time"

	"github.com/orgsync/orgsync/connectors/connectortest"
	"github.com/orgsync/orgsync/connectors/omada"
	"github.com/orgsync/orgsync/connectors/omada/omadatest"
)

// conformanceFields map every field the suite sets, with two e-mail
// fields and one for the suite's address type of special characters.
var conformanceFields = omada.Fields{
	Key: "UId", NationalID: "C_CPRNR", GivenNames: "C_FORNAVNE", Surname: "LASTNAME", Unit: "C_ORGANISATIONSKODE",
	JobTitle: "JOBTITLE", Category: "IDENTITYCATEGORY.Value", ObjectGUID: "C_OBJECTGUID_I_AD", Login: "C_LOGIN",
	Addresses: []omada.AddressField{{Type: "EMAIL", Field: "EMAIL"}, {Type: "EMAIL", Field: "C_EMAIL2"}, {Type: "PHONE", Field: "C_DIREKTE_TLF"},
		{Type: `#Jensen, Hansen + Co "A" \ <B>; =*()`, Field: "C_SPECIAL"}},
}

// The connector passes the IdentitySource suite against the fake, in
// pages of two, with client credentials. The suite publishes national ids
// in several forms (a Swedish personnummer among them) and wants them back
// as published, so the national ids are read as written.
func TestConformance(t *testing.T) {
	connectortest.TestIdentitySource(t, func(t *testing.T) connectortest.IdentityFixture {
		s := omadatest.New(t, omadatest.Options{PageSize: 2, ClientID: "orgsync", ClientSecret: "hemmelig", Fields: conformanceFields})
		cfg := s.Config(t)
		cfg.NationalIDForm = omada.FormAsWritten
		cfg.Timeout = time.Minute
		return connectortest.IdentityFixture{Source: open(t, cfg), Publish: s.Publish}
	})
}
