-- due marks the orders with work for the dispatcher (boarding.Order.Due:
-- a notice or a task's mail not yet queued, an integrated task not yet
-- carried out), so that a dispatch reads those and not every order.
ALTER TABLE boarding_orders ADD COLUMN due INTEGER NOT NULL DEFAULT 1;
CREATE INDEX boarding_orders_due ON boarding_orders (due) WHERE due = 1;
