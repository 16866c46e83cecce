package boarding

// Observe runs the engine's observation of the model on an order (for
// tests).
func Observe(e *Engine, o *Order) []AuditEntry { return e.observe(e.Model.Latest(), o, e.now()) }
