package boarding

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/orgsync/orgsync/boarding/catalogue"
	"github.com/orgsync/orgsync/orgmodel"
)

// placeChange makes o, placed as a change of job role, the order of the
// difference: its tasks the new roles' items the person does not hold
// (by what orgsync granted for the engagement), and returns the order
// revoking the dropped roles' items the new roles do not have, from Grace
// after the change's day (nil if there are none). A person already
// employed has a contract: o waits only for the model and the account.
func (e *Engine) placeChange(ctx context.Context, v orgmodel.View, o *Order, req Request) (*Order, error) {
	o.Kind = Change
	o.Prerequisites = []Prerequisite{{Kind: InOrgModel}, {Kind: AccountSeen}}
	o.Engagement = engagementFrom(v, o)
	if o.Engagement == uuid.Nil {
		return nil, &RequestError{Field: "unit", Problem: fmt.Sprintf("the person has no engagement in the unit on %s", req.Start)}
	}
	for i, id := range req.Drop {
		if _, ok := e.Catalogue.JobRole(id); !ok {
			return nil, &RequestError{Field: fmt.Sprintf("drop[%d]", i), Problem: fmt.Sprintf("the catalogue has no job role %q", clip(id))}
		}
	}
	mine, err := e.Store.List(ctx, Query{Person: o.Person})
	if err != nil {
		return nil, err
	}
	mine = slices.DeleteFunc(mine, func(x Order) bool { return x.Engagement != o.Engagement })
	held := granted(mine)
	o.Tasks = slices.DeleteFunc(o.Tasks, func(t Task) bool { return slices.Contains(held, t.Item) })
	if len(o.Tasks) == 0 {
		return nil, &RequestError{Field: "roles", Problem: "the person holds every item of the roles already"}
	}
	dropped, err := e.Catalogue.Resolve(req.Drop...)
	if err != nil {
		return nil, &RequestError{Field: "drop", Problem: err.Error()}
	}
	wanted, _ := e.Catalogue.Resolve(req.Roles...)
	var revoke []Task
	for _, it := range dropped {
		item := Item{System: it.System, Resource: it.Resource, Equipment: it.Equipment, Quantity: it.Quantity}
		if !slices.Contains(wanted, it) && slices.Contains(held, item) && !slices.ContainsFunc(req.Extra, func(x catalogue.Item) bool { return x == it }) {
			revoke = append(revoke, e.newTask(it, true))
		}
	}
	if len(revoke) == 0 {
		return nil, nil
	}
	grace := int(or(e.Grace, 14*24*time.Hour) / (24 * time.Hour))
	return &Order{ID: uuid.New(), Key: o.Key + "/revoke", Kind: Change, Person: o.Person, Engagement: o.Engagement, Unit: o.Unit,
		Start: o.Start.AddDays(grace), Reason: o.Reason, OrderedBy: o.OrderedBy, State: Draft, Tasks: revoke,
		Created: o.Created, Updated: o.Created, Version: 1, Prerequisites: []Prerequisite{{Kind: DayReached}}}, nil
}
