package orgmodel_test

import (
	"testing"

	om "github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/storetest"
)

func TestMemStoreConformance(t *testing.T) {
	storetest.TestStore(t, func(t *testing.T) storetest.Fixture {
		return storetest.Fixture{Store: om.NewMemStore()}
	})
}
