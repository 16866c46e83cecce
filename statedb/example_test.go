package statedb_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/timeline"
	"github.com/orgsync/orgsync/statedb"
)

// A host opens its state database once, and runs the org model (and the
// other engines' stores) on it; a restart finds everything where it was.
func Example() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "statedb-example")
	defer os.RemoveAll(dir)
	// In a deployment: statedb.KeyFromFile("/etc/orgsync/db.key").
	key, _ := statedb.ParseKey([]byte(statedb.GenerateKey()))
	url := "sqlite:" + filepath.Join(dir, "orgsync.db")

	db, err := statedb.Open(ctx, url, statedb.Options{Key: key})
	if err != nil {
		fmt.Println(err)
		return
	}
	m, _ := orgmodel.Open(ctx, orgmodel.Options{Store: db.Model()})
	var cs orgmodel.ChangeSet
	cs.Add("1", timeline.Since(timeline.MustParseDate("2024-01-01")), orgmodel.UnitAttrs{Name: "Sjølund Kommune"})
	m.Apply(ctx, &cs, orgmodel.Registration{Time: time.Now(), Actor: "example"})
	db.Close()

	// The next start.
	db, _ = statedb.Open(ctx, url, statedb.Options{Key: key})
	defer db.Close()
	m, _ = orgmodel.Open(ctx, orgmodel.Options{Store: db.Model()})
	for u := range m.Latest().All(orgmodel.KindUnit) {
		fmt.Println(u.UserKey, u.Timeline.Span(0).Value.(orgmodel.UnitAttrs).Name)
	}
	// Output: 1 Sjølund Kommune
}
