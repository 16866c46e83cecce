package boarding_test

import (
	"testing"

	"github.com/orgsync/orgsync/boarding"
	"github.com/orgsync/orgsync/boarding/boardingtest"
)

func TestMemStore(t *testing.T) {
	boardingtest.TestStore(t, func(t *testing.T) boarding.Store { return boarding.NewMemStore() })
}

func TestMemSecretsConformance(t *testing.T) {
	boardingtest.TestSecretStore(t, func(*testing.T) boarding.SecretStore { return &boarding.MemSecrets{} })
}
