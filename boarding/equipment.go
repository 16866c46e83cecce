package boarding

import (
	"context"

	"github.com/google/uuid"

	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// equipment carries out an equipment task the desk confirms done in the
// inventory, when the engine has one: a delivery hands out Quantity ready
// assets of the kind to the person (for the order, to be returned when
// they leave), a reclaim takes back up to Quantity of the kind that the
// person holds. It is idempotent, so a confirmation tried again after a
// conflict hands out nothing twice: assets already handed out for the
// order count. It returns the assets' ids; with none ready it fails with
// an error matching inventory.ErrNoneReady, and nothing is confirmed.
func (e *Engine) equipment(ctx context.Context, o *Order, t *Task, by string) ([]uuid.UUID, error) {
	if e.Inventory == nil || !t.Item.IsEquipment() {
		return nil, nil
	}
	held, err := e.Inventory.Outstanding(ctx, o.Person)
	if err != nil {
		return nil, err
	}
	var ids []uuid.UUID
	switch t.Action {
	case Deliver:
		for _, a := range held {
			if a.Kind == t.Item.Equipment && a.Order == o.ID && len(ids) < t.Item.Quantity {
				ids = append(ids, a.ID)
			}
		}
		for len(ids) < t.Item.Quantity {
			a, err := e.Inventory.HandOut(ctx, t.Item.Equipment, o.Person, o.Unit, o.ID, timeline.Open, by)
			if err != nil {
				return ids, err
			}
			ids = append(ids, a.ID)
		}
	case Reclaim:
		for _, a := range held {
			if a.Kind == t.Item.Equipment && len(ids) < max(t.Item.Quantity, 1) {
				if _, err := e.Inventory.Return(ctx, a.ID, by, "offboarding "+o.ID.String()); err != nil {
					return ids, err
				}
				ids = append(ids, a.ID)
			}
		}
	}
	return ids, nil
}
