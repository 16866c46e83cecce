package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/orgsync/orgsync/adsync"
	"github.com/orgsync/orgsync/chapel"
	"github.com/orgsync/orgsync/internal/redact"
	"github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// run does the whole job: the payroll into the org model through the
// payroll plugin, the org model into AD through the AD plugin, and a plan
// of a second run, which must be empty. It prints what it did to w.
func run(ctx context.Context, cfg config, w io.Writer) error {
	now := cfg.now
	if now.IsZero() {
		now = timeline.DefaultZone().Start(cfg.today).Add(12 * time.Hour)
	}
	model, snap, err := importPayroll(ctx, cfg)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "payroll     %s\n", delivery(snap))
	fmt.Fprintf(w, "org model   %d persons, %d of them employed on %s or starting within %d days\n",
		count(model.Latest(), orgmodel.KindPerson), employed(model, cfg.today), cfg.today, enableDaysBefore)

	dir, err := openDirectory(ctx, cfg)
	if err != nil {
		return err
	}
	defer dir.Close()
	rec, linked, err := wire(ctx, cfg, model, dir, func() time.Time { return now })
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "directory   below %s (every account in that OU itself); %d accounts of earlier runs found\n", cfg.base, linked)

	if cfg.planOnly {
		rp, err := rec.Plan(ctx)
		if err != nil {
			return fmt.Errorf("the plan: %s", redact.NationalIDs(err.Error()))
		}
		fmt.Fprintf(w, "plan        (a dry run: nothing is changed)\n%s", redact.NationalIDs(rp.String()))
		fmt.Fprintf(w, "to apply exactly this plan, run again with --fingerprint %s\n", rp.Fingerprint())
		return nil
	}
	var rep *adsync.RunReport
	if cfg.fingerprint != "" {
		rep, err = rec.ApplyReviewed(ctx, cfg.fingerprint)
		if errors.Is(err, adsync.ErrPlanChanged) {
			return fmt.Errorf("%w; nothing was changed: run --plan again and review it", err)
		}
	} else {
		rep, err = rec.Reconcile(ctx)
	}
	if rep != nil {
		fmt.Fprintf(w, "run         %s\n", summary(rep))
		for _, line := range failures(rep) {
			fmt.Fprintf(w, "            %s\n", line)
		}
	}
	if errors.Is(err, chapel.ErrBreaker) {
		return fmt.Errorf("%w: the accounts' part was done; the chapel's part needs an operator's approval of its plan, which this host does not take", err)
	}
	if err != nil {
		return fmt.Errorf("the run: %s", redact.NationalIDs(err.Error()))
	}
	if n := rep.Failed(); n > 0 {
		return fmt.Errorf("%d operations of the run failed; the next run tries them again", n)
	}
	again, err := rec.Plan(ctx)
	if err != nil {
		return fmt.Errorf("planning a second run: %w", err)
	}
	if cfg.fingerprint != "" {
		// A reviewed plan was made before the new accounts existed: their
		// managers, and anything else that depends on them, come next run.
		fmt.Fprintf(w, "next run    %d operations (the reviewed plan could not know the new accounts' DNs)\n", len(again.Accounts.Ops))
		return nil
	}
	if n, acts := len(again.Accounts.Ops)+len(again.Accounts.Errors), chapelActions(again); n > 0 || acts > 0 {
		fmt.Fprintf(w, "second run  would still do %d operations and %d chapel actions:\n%s", n, acts, redact.NationalIDs(again.String()))
		return fmt.Errorf("a second run would not be empty; the engine is not idempotent here")
	}
	fmt.Fprintf(w, "second run  nothing to do: 0 operations, 0 chapel actions\n")
	return nil
}
