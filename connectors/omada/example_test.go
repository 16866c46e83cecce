package omada_test

import (
	"context"
	"fmt"
	"log"

	"github.com/orgsync/orgsync/connectors/omada"
)

// A connector for Frederikshavn's view, with client credentials; the
// secret comes from the environment.
func ExampleOpen() {
	c, err := omada.Open(omada.Config{
		URL:    "https://omada.frederikshavn.dk/OData/DataObjects/Identity?viewid=1234",
		Filter: "C_IDENTITYSTATUS_ODATA eq 'Aktiv'",
		OIDC: &omada.OIDC{
			TokenURL:        "https://login.example.dk/oauth2/token",
			ClientID:        "orgsync-omada",
			ClientSecretEnv: "ORGSYNC_OMADA_CLIENT_SECRET",
			Scopes:          []string{"api://omada/.default"},
		},
		Fields: omada.Fields{
			NationalID: "C_CPRNUMBER", GivenNames: "FIRSTNAME", Surname: "LASTNAME", Unit: "C_OUID_ODATA",
			JobTitle: "C_JOBTITLE_ODATA", Category: "IDENTITYCATEGORY.Id", ObjectGUID: "C_OBJECTGUID_I_AD", Login: "ADLOGON",
			Addresses: []omada.AddressField{{Type: "EMAIL", Field: "EMAIL"}, {Type: "PHONE", Field: "C_TELEPHONENUMBER"}},
		},
		Categories:        map[string]string{"561": "Vikar", "570": "AD-robot"},
		ServiceCategories: []string{"AD-robot"},
		TrimUnitZeros:     true,
	})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	snap, err := c.Identities(context.Background())
	if err != nil {
		log.Fatal(err) // connectors.KindOf(err) says whether to retry
	}
	for _, r := range snap.Skipped {
		log.Print("skipped: ", r) // the page, key and field, never a CPR number
	}
	fmt.Println(len(snap.Identities), "identities,", len(snap.ServiceAccounts), "service accounts")
}

// Validate reports every problem of a configuration together.
func ExampleConfig_Validate() {
	cfg := omada.Config{
		URL:   "http://omada.example.dk/OData/DataObjects/Identity?viewid=1",
		Basic: &omada.BasicAuth{Username: "svc-orgsync"},
		Fields: omada.Fields{
			Surname:  "LASTNAME",
			Category: "IDENTITYCATEGORY..Id",
		},
		NationalIDForm: "digits",
	}
	fmt.Println(cfg.Validate())
	// Output:
	// config: configuration: url "http://omada.example.dk/OData/DataObjects/Identity?viewid=1": the scheme must be https:// (http:// only with insecure)
	// basic_auth.password: none given; set basic_auth.password_file or basic_auth.password_env
	// national_id_form "digits": use cpr or as_written
	// fields.category "IDENTITYCATEGORY..Id": a field name, or a field and its property joined by one dot (IDENTITYCATEGORY.Id)
}
