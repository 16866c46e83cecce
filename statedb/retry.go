package statedb

import (
	"context"
	"errors"
	"time"
)

// retryFor bounds how long a write is retried while the database is
// unavailable (a PostgreSQL restart or failover takes seconds).
var retryFor = time.Minute

// retry runs op until it succeeds, fails with an error that is not
// transient, ctx ends, or retryFor has passed. Before each new attempt it
// asks landed, if given, whether the failed attempt committed after all
// (the connection can drop after the server committed), and stops with
// success if so.
func retry(ctx context.Context, op func() error, landed func() (bool, error)) error {
	deadline := time.Now().Add(retryFor)
	wait := 50 * time.Millisecond
	for {
		err := op()
		if err == nil || !errors.Is(err, ErrTransient) || time.Now().After(deadline) {
			return err
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return err
		case <-t.C:
		}
		wait = min(2*wait, 2*time.Second)
		if landed != nil {
			if ok, lerr := landed(); lerr == nil && ok {
				return nil
			}
		}
	}
}
