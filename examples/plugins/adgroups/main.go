package main

import (
	"os"

	"github.com/orgsync/orgsync/boarding"
	"github.com/orgsync/orgsync/connectors/plugin"
	"github.com/orgsync/orgsync/examples/plugins/internal/adplugin"
)

func main() {
	log := plugin.Logger()
	d, err := adplugin.Open("AD groups plugin", os.Args[1:], os.Getenv, log)
	if err != nil {
		log.Error("the AD groups plugin cannot start", "error", err)
		os.Exit(1)
	}
	plugin.Serve(&boarding.ADGroups{Directory: d})
	if err := d.Close(); err != nil {
		log.Error("closing the AD connector", "error", err)
	}
}
