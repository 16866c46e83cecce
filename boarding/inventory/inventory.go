package inventory

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/orgsync/orgsync/boarding/catalogue"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// Inventory is the register as the boarding engine uses it: register
// assets, hand them out, take them back. Its methods are safe for
// concurrent use as far as its Store is; a change that loses a race
// (ErrConflict) is read again and redone.
type Inventory struct {
	// Store keeps the assets.
	Store Store
	// Catalogue, if set, is the equipment kinds an asset may be of; nil
	// takes any kind.
	Catalogue *catalogue.Catalogue
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// attempts is how often a change that lost a race is redone before
// Inventory gives up with ErrConflict. A loss means another writer
// won, so it takes many writers on one asset to use them all.
const attempts = 32

// ErrNoneReady matches a HandOut of a kind with no ready asset; the
// error is a *NoneReadyError saying which kind.
var ErrNoneReady = errors.New("inventory: no asset of the kind is ready")

// NoneReadyError is a HandOut of a kind with no ready asset in stock.
type NoneReadyError struct {
	// Kind is the kind asked for.
	Kind string
}

// Error says which kind is out of stock.
func (e *NoneReadyError) Error() string {
	return "inventory: no " + clip(e.Kind) + " is ready to hand out"
}

// Is makes errors.Is(err, ErrNoneReady) hold.
func (e *NoneReadyError) Is(target error) bool { return target == ErrNoneReady }

func (inv *Inventory) now() time.Time {
	if inv.Now != nil {
		return inv.Now()
	}
	return time.Now()
}

// checkKind checks a kind against the catalogue, if there is one.
func (inv *Inventory) checkKind(kind string) error {
	if err := CheckText("kind", kind, MaxKindBytes, true); err != nil {
		return err
	}
	if inv.Catalogue != nil {
		if _, ok := inv.Catalogue.EquipmentKind(kind); !ok {
			return invalid("kind", "is no equipment kind in the catalogue")
		}
	}
	return nil
}

// Register adds a new, pending asset of a kind with its serial, and
// returns it. A kind the catalogue lacks and bad text are *InvalidError;
// a serial the kind has already is *DuplicateError.
func (inv *Inventory) Register(ctx context.Context, kind, serial, by, note string) (*Asset, error) {
	if err := inv.checkKind(kind); err != nil {
		return nil, err
	}
	if err := CheckText("actor", by, MaxActorBytes, true); err != nil {
		return nil, err
	}
	a := &Asset{ID: uuid.New(), Kind: kind, Serial: serial, Status: Pending, Note: note, Version: 1}
	e := Entry{Asset: a.ID, At: inv.now().UTC(), By: by, Action: Add, To: Pending, Note: note}
	if err := inv.Store.Add(ctx, a, []Entry{e}); err != nil {
		return nil, err
	}
	return a, nil
}

// Do applies a change to the asset and stores it, redoing it on a newer
// version if another writer came first; the change's At defaults to the
// clock. It returns the asset as stored.
func (inv *Inventory) Do(ctx context.Context, id uuid.UUID, c Change) (*Asset, error) {
	return inv.do(ctx, id, c, uuid.Nil)
}

// do is Do; with a holder, only while that person holds the asset (nil,
// nil once they do not), so that a return that lost a race to another
// return does not take the asset from its next holder.
func (inv *Inventory) do(ctx context.Context, id uuid.UUID, c Change, holder uuid.UUID) (*Asset, error) {
	if c.At.IsZero() {
		c.At = inv.now()
	}
	return inv.change(ctx, c, func() (*Asset, error) {
		a, err := inv.Store.Get(ctx, id)
		if err == nil && holder != uuid.Nil && (a.Status != Deployed || a.Holder != holder) {
			return nil, nil
		}
		return a, err
	})
}

// change applies c to the asset pick reads (nil: nothing to do) and
// stores it, reading and applying again if another writer came first.
func (inv *Inventory) change(ctx context.Context, c Change, pick func() (*Asset, error)) (*Asset, error) {
	for range attempts {
		a, err := pick()
		if err != nil || a == nil {
			return nil, err
		}
		prev := a.Version
		e, err := a.Apply(c)
		if err != nil {
			return nil, err
		}
		err = inv.Store.Update(ctx, a, prev, []Entry{e})
		if errors.Is(err, ErrConflict) {
			continue
		}
		if err != nil {
			return nil, err
		}
		return a, nil
	}
	return nil, fmt.Errorf("inventory: %d attempts lost to other writers: %w", attempts, ErrConflict)
}

// HandOut hands a ready asset of the kind to the person, in the unit,
// for the order (uuid.Nil for none), due back on expectedReturn
// (timeline.Open for no day), and returns it. Of the ready assets it
// takes the one with the lowest serial (byte by byte), so that the same
// stock gives the same answer; with none ready it returns a
// *NoneReadyError (errors.Is ErrNoneReady). Two hand-outs racing for one
// asset give it to one of them; the other takes the next.
//
// A hand-out is not idempotent: each call hands out one more asset, so
// the caller records the asset's id with the task it fulfils.
func (inv *Inventory) HandOut(ctx context.Context, kind string, person, unit, order uuid.UUID, expectedReturn timeline.Date, by string) (*Asset, error) {
	if err := inv.checkKind(kind); err != nil {
		return nil, err
	}
	c := Change{Action: HandOut, At: inv.now(), By: by, Holder: person, Unit: unit, Order: order, ExpectedReturn: expectedReturn}
	if err := checkChange(&c); err != nil {
		return nil, err
	}
	return inv.change(ctx, c, func() (*Asset, error) {
		ready, err := inv.Store.List(ctx, Query{Kinds: []string{kind}, Statuses: []Status{Ready}, Limit: 1})
		if err != nil {
			return nil, err
		}
		if len(ready) == 0 {
			return nil, &NoneReadyError{Kind: kind}
		}
		return &ready[0], nil
	})
}

// Return takes a deployed asset back into stock (ready) with a note.
// An asset that is not deployed is a *TransitionError.
func (inv *Inventory) Return(ctx context.Context, id uuid.UUID, by, note string) (*Asset, error) {
	return inv.Do(ctx, id, Change{Action: Return, By: by, Note: note})
}

// Outstanding returns the assets the person holds, by kind and serial.
func (inv *Inventory) Outstanding(ctx context.Context, person uuid.UUID) ([]Asset, error) {
	if person == uuid.Nil {
		return nil, invalid("holder", "is missing")
	}
	return inv.Store.List(ctx, Query{Holder: person, Statuses: []Status{Deployed}})
}

// ReturnAll returns every asset the person holds, as offboarding does,
// and returns those it took back. One asset that fails does not stop the
// rest: the errors come back joined. An asset returned meanwhile by
// someone else is left as it is. Called again, it finds nothing left to
// return.
func (inv *Inventory) ReturnAll(ctx context.Context, person uuid.UUID, by, note string) ([]Asset, error) {
	held, err := inv.Outstanding(ctx, person)
	if err != nil {
		return nil, err
	}
	var back []Asset
	var errs []error
	for _, a := range held {
		got, err := inv.do(ctx, a.ID, Change{Action: Return, By: by, Note: note}, person)
		switch {
		case err != nil:
			errs = append(errs, fmt.Errorf("inventory: returning %s %s: %w", clip(a.Kind), clip(a.Serial), err))
		case got != nil:
			back = append(back, *got)
		}
	}
	return back, errors.Join(errs...)
}
