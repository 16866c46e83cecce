package main

import (
	"context"
	"fmt"
	"time"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/connectors/plugin"
	"github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/intake"
)

// source is the org model's name for the payroll: it owns what the
// payroll delivers, and the objects' ids derive from it and the payroll's
// keys, so every run gives the same persons the same ids (which the
// accounts' anchors hold).
const source = "payroll"

// actor is the registration actor of the import.
const actor = "pluginhost"

// importPayroll starts the payroll plugin, reads its snapshot and imports
// it into a new in-memory org model as of the configured day. It returns
// the model and the snapshot's figures.
func importPayroll(ctx context.Context, cfg config) (*orgmodel.Model, *connectors.PayrollSnapshot, error) {
	pay, err := plugin.OpenPayroll(ctx, cfg.payrollPlugin, plugin.Options{
		Env:      []string{payrollDirEnv + "=" + cfg.payrollDir},
		Checksum: cfg.payrollSum,
		Logger:   cfg.logger,
	})
	if err != nil {
		return nil, nil, fmt.Errorf("starting the payroll plugin: %w", err)
	}
	defer pay.Close()
	snap, err := pay.Snapshot(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("reading the payroll: %w", err)
	}
	osnap, err := intake.Payroll(source, snap, intake.PayrollOptions{})
	if err != nil {
		return nil, nil, fmt.Errorf("the payroll's data: %w", err)
	}
	model := orgmodel.New(orgmodel.Options{})
	// The registration carries the wall clock: it says when the model
	// learnt the delivery; --today says which day it is.
	reg := orgmodel.Registration{Time: time.Now(), Actor: actor, Note: "payroll delivery"}
	if err := orgmodel.ImportAll(ctx, model, []orgmodel.Snapshot{osnap}, orgmodel.ImportOptions{Today: cfg.today}, reg); err != nil {
		return nil, nil, fmt.Errorf("importing the payroll: %w", err)
	}
	return model, snap, nil
}
