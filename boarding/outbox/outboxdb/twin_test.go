package outboxdb_test

import (
	"context"
	"crypto/tls"
	"testing"

	"github.com/orgsync/orgsync/boarding/outbox/outboxdb"
	"github.com/orgsync/orgsync/connectors/inmem"
	"github.com/orgsync/orgsync/internal/smtptest"
	"github.com/orgsync/orgsync/statedb"
)

func inmemMailer() *inmem.Mailer { return inmem.NewMailer() }

// tlsFor trusts srv's test CA.
func tlsFor(srv *smtptest.Server) *tls.Config {
	return &tls.Config{RootCAs: srv.RootCAs, ServerName: "smtp.kommune.test", MinVersion: tls.VersionTLS12}
}

// openDBKeep is openDB for state shared across benchmark runs: closed at
// exit, not at the end of the first benchmark.
func openDBKeep(tb testing.TB, dsn string) *statedb.DB {
	key, err := statedb.ParseKey([]byte(keyText))
	if err != nil {
		tb.Fatal(err)
	}
	db, err := statedb.Open(context.Background(), dsn, statedb.Options{Key: key, Schemas: []statedb.Schema{outboxdb.Schema}})
	if err != nil {
		tb.Fatal(err)
	}
	return db
}
