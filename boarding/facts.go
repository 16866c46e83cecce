package boarding

import "slices"

// The notices an order gives, each queued once: the dispatcher records a
// fact in Order.Told when its notice is in the outbox, so that a notice
// whose order was stored and whose mail was not (a crash between) is
// queued by the next dispatch, and one that was is never queued again.
const (
	factWelcome   = "welcome"   // the welcome to the manager, when an onboarding order activates
	factSecret    = "secret"    // the initial password's one-time link
	factFulfilled = "fulfilled" // every task over: the manager and HR are told
	factExpired   = "expired"   // the order gave up waiting
	factRejected  = "rejected"  // the manager turned the delegate's order down
	factReminded  = "reminded"  // the attest's reminder
	factEscalated = "escalated" // the attest went to the manager's manager
)

func taskFact(t *Task, what string) string { return "task/" + t.ID.String() + "/" + what }

// told reports whether the fact's notice has been queued.
func (o *Order) told(fact string) bool { return slices.Contains(o.Told, fact) }

// tell records that the fact's notice has been queued.
func (o *Order) tell(fact string) {
	if !o.told(fact) {
		o.Told = append(o.Told, fact)
	}
}

// facts returns the notices the order's state calls for.
func (o *Order) facts() []string {
	var out []string
	switch o.State {
	case Active, Fulfilled, PartiallyFulfilled:
		if o.Kind == Onboard {
			out = append(out, factWelcome)
		}
	}
	switch o.State {
	case Fulfilled, PartiallyFulfilled:
		out = append(out, factFulfilled)
	case Expired:
		out = append(out, factExpired)
	case Rejected:
		out = append(out, factRejected)
	}
	if !o.Reminded.IsZero() {
		out = append(out, factReminded)
	}
	if !o.Escalated.IsZero() {
		out = append(out, factEscalated)
	}
	return out
}

// Due reports whether the order has work for the dispatcher: a notice
// not yet queued, a manual task's mail (or its withdrawal's) not yet
// queued, or an integrated task not yet carried out.
func (o *Order) Due() bool {
	for _, f := range o.facts() {
		if !o.told(f) {
			return true
		}
	}
	for i := range o.Tasks {
		t := &o.Tasks[i]
		switch {
		case t.Integrated && (t.State == Open || t.State == Executing):
			return true
		case !t.Integrated && t.State == Open && !o.told(taskFact(t, "open")):
			return true
		case !t.Integrated && t.State == TaskCancelled && o.told(taskFact(t, "open")) && !o.told(taskFact(t, "withdrawn")):
			return true
		}
	}
	return false
}
