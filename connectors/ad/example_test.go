package ad_test

import (
	"context"
	"errors"
	"log"
	"os"
	"time"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/connectors/ad"
)

// Open a connection to a domain controller and create an account. (This
// example is compiled, not run: it needs a real AD.)
func ExampleOpen() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	dir, err := ad.Open(ctx, ad.Config{
		URL:          "ldaps://dc1.example.org",
		CAFile:       "/etc/orgsync/ad-ca.pem",
		BindDN:       "svc-orgsync@example.org",
		BindPassword: connectors.Secret(os.Getenv("AD_PASSWORD")),
		BaseDN:       "OU=Kommune,DC=example,DC=org",
	})
	if err != nil {
		// A wrong URL, password, certificate or base DN is a
		// Configuration error that says what to fix.
		log.Fatal(err)
	}
	defer dir.Close()

	dn, _ := connectors.JoinDN("CN", "Smith, John", "OU=Staff,OU=Kommune,DC=example,DC=org")
	id, err := dir.Create(ctx, connectors.CreateRequest{DN: dn, Attributes: []connectors.Attribute{
		{Name: "objectClass", Values: []string{"user"}},
		{Name: "sAMAccountName", Values: []string{"josm"}},
	}})
	switch {
	case errors.Is(err, connectors.AlreadyExists):
		// The name is taken: try the next candidate.
	case connectors.KindOf(err).Retryable():
		// The DC was unreachable or busy: try again later.
	case err != nil:
		log.Fatal(err)
	}
	log.Println("created", id)
}
