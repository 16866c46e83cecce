package outbox_test

import (
	"testing"

	"github.com/orgsync/orgsync/boarding/outbox"
	"github.com/orgsync/orgsync/boarding/outbox/outboxtest"
)

func TestMemStoreConformance(t *testing.T) {
	outboxtest.TestStore(t, func(t *testing.T) outbox.Store { return outbox.NewMemStore() })
}

func TestMemStoreDigests(t *testing.T) {
	outboxtest.TestDigests(t, func(t *testing.T) outboxtest.DigestStore { return outbox.NewMemStore() })
}
