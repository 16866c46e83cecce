package inmem_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/connectors/inmem"
)

// The twin is a Directory like the AD connector: create an account, find
// it, and see AD's rules at work.
func Example() {
	ctx := context.Background()
	dir := inmem.MustNew(inmem.Options{BaseDN: "DC=example,DC=org"})
	dn, _ := connectors.JoinDN("CN", "Karina Jensen", dir.BaseDN())
	req := connectors.CreateRequest{DN: dn, Attributes: []connectors.Attribute{
		{Name: "objectClass", Values: []string{"user"}},
		{Name: "sAMAccountName", Values: []string{"kaje"}},
	}}
	id, err := dir.Create(ctx, req)
	if err != nil {
		panic(err)
	}
	e, _ := dir.Read(ctx, id, []string{"sAMAccountName"})
	fmt.Println(e.DN, e.First("sAMAccountName"), "disabled:", e.Disabled)

	req.DN, _ = connectors.JoinDN("CN", "Karina Jensen (2)", dir.BaseDN())
	_, err = dir.Create(ctx, req)
	fmt.Println(errors.Is(err, connectors.AlreadyExists), err)
	// Output:
	// CN=Karina Jensen,DC=example,DC=org kaje disabled: true
	// true create CN=Karina Jensen (2),DC=example,DC=org: already exists: sAMAccountName kaje is already in use
}
