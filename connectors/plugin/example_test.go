package plugin_test

import (
	"context"
	"fmt"
	"os"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/connectors/plugin"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// hrExport is a vendor's payroll connector: a protocol translator from the
// vendor's system to the contract's records. (A real one would call the
// system's API; this one returns one unit and one person.)
type hrExport struct{ url string }

func (h *hrExport) Ping(ctx context.Context) error { return ctx.Err() }

func (h *hrExport) Snapshot(ctx context.Context) (*connectors.PayrollSnapshot, error) {
	if err := ctx.Err(); err != nil {
		return nil, connectors.ContextError(ctx, "snapshot", h.url)
	}
	since := timeline.Since(timeline.MustParseDate("2020-01-01"))
	return &connectors.PayrollSnapshot{
		Units:       []connectors.PayrollUnit{{Key: "100", Name: "Sjølund Kommune", Valid: since}},
		Persons:     []connectors.PayrollPerson{{Key: "P1", NationalID: "0101901234", GivenNames: "Anna", Surname: "Ærø", Valid: since}},
		Engagements: []connectors.PayrollEngagement{{Key: "10001", Person: "P1", Unit: "100", JobFunction: "Pædagog", Fraction: 1, Valid: since}},
	}, nil
}

func (h *hrExport) Close() error { return nil }

// A vendor's plugin binary is its connector and a main that serves it. Its
// configuration comes from its environment (the host passes what
// Options.Env says); its logs go through plugin.Logger, never to stdout.
// Prove the connector with connectortest.TestPayroll, compiled in and as
// the built binary opened with plugin.OpenPayroll.
func Example_vendorPlugin() {
	url := os.Getenv("HR_EXPORT_URL")
	if url == "" {
		plugin.Logger().Error("HR_EXPORT_URL is not set")
		os.Exit(1)
	}
	plugin.Serve(&hrExport{url: url})
}

// A host loads the vendor's binary and uses it as any payroll connector.
func ExampleOpenPayroll() {
	ctx := context.Background()
	payroll, err := plugin.OpenPayroll(ctx, "/usr/lib/orgsync/plugins/hr-export", plugin.Options{
		Env: []string{"HR_EXPORT_URL=https://hr.example.org/export"},
	})
	if err != nil {
		fmt.Println(connectors.KindOf(err), err) // a Configuration error says what to fix
		return
	}
	defer payroll.Close()
	snap, err := payroll.Snapshot(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(snap.Persons), "persons")
}
