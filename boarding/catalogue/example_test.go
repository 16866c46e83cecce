package catalogue_test

import (
	"errors"
	"fmt"

	"github.com/orgsync/orgsync/boarding/catalogue"
)

func ExampleParse() {
	c, err := catalogue.Parse("katalog.yaml", []byte(`
systems:
  - id: ad
    name: Active Directory
    kind: integrated
    connector: ad-groups
    resources:
      - {key: alle, name: Alle medarbejdere, group: "CN=Alle,OU=Grupper,DC=sjolund,DC=dk"}
      - {key: laerere, name: Lærere, group: "CN=Lærere,OU=Grupper,DC=sjolund,DC=dk"}
equipment:
  - {id: pc, name: Bærbar pc}
  - {id: adgangskort, name: Adgangskort}
job_roles:
  - id: basis
    name: Basis
    items:
      - {system: ad, resource: alle}
      - {equipment: adgangskort}
  - id: laerer
    name: Lærer
    includes: [basis]
    items:
      - {system: ad, resource: laerere}
      - {equipment: pc}
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, it := range c.Items("laerer") {
		if it.IsEquipment() {
			fmt.Printf("%d × %s\n", it.Quantity, it.Equipment)
		} else {
			r, _ := c.Resource(it.System, it.Resource)
			fmt.Printf("%s/%s (%s)\n", it.System, it.Resource, r.Group)
		}
	}
	// Output:
	// ad/alle (CN=Alle,OU=Grupper,DC=sjolund,DC=dk)
	// ad/laerere (CN=Lærere,OU=Grupper,DC=sjolund,DC=dk)
	// 1 × adgangskort
	// 1 × pc
}

func ExampleParse_problems() {
	_, err := catalogue.Parse("katalog.yaml", []byte(`systems:
  - id: opus
    name: KMD Opus
    kind: manual
    advisees: ["HR <hr@sjolund.dk>"]
job_roles:
  - id: leder
    name: Leder
    includes: [basis]
`))
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		var ce *catalogue.Error
		if errors.As(e, &ce) {
			fmt.Printf("line %d: %s: %s\n", ce.Line, ce.Path, ce.Problem)
		}
	}
	// Output:
	// line 2: systems[0].administrators: a manual system needs administrators: the people who do its tasks
	// line 5: systems[0].advisees[0]: "HR <hr@sjolund.dk>" is not a bare mail address like it-support@kommune.dk
	// line 7: job_roles[0].items: the job role grants nothing: it has no items, and neither have the roles it includes
	// line 9: job_roles[0].includes[0]: unknown job role "basis"
}
