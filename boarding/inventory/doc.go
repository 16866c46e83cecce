// Package inventory owns the equipment register of on/off-boarding (issue
// 18, "Equipment inventory"): the single assets of the catalogue's
// equipment kinds (a pc with its serial number, a phone, an access card),
// where each one is in its life, who holds it, and what is outstanding.
//
// An [Asset] has a kind (a catalogue.EquipmentKind id), a serial that is
// unique within its kind, and a [Status] that moves by an [Action]:
//
//	from                          action    to
//	pending                       prepare   ready
//	ready                         hand-out  deployed      (to a holder)
//	deployed                      return    ready
//	ready, deployed               break     undeployable  (with a reason)
//	undeployable                  repair    ready
//	pending, ready, undeployable  archive   archived      (terminal)
//
// [Next] is the transition table as a pure function, [Asset.Apply] one
// change of an asset with the [Entry] its history keeps (who, when, from,
// to, holder, note); a refused change is a [*TransitionError] and changes
// nothing.
//
// A [Store] keeps assets and their histories: [MemStore] in memory,
// package inventorydb in the state database; package inventorytest is the
// suite both pass. Updates are optimistic: a store writes a change only
// from the version it was read at, or returns [ErrConflict].
//
// [Inventory] is what the boarding engine calls: [Inventory.HandOut]
// hands the ready asset of a kind with the lowest serial to a person,
// or fails with [ErrNoneReady]; [Inventory.Return] and
// [Inventory.ReturnAll] take assets back (offboarding returns every
// asset [Inventory.Outstanding] lists). [OutstandingByUnit] is the report
// of deployed assets per unit, overdue ones flagged, and [WriteCSV]
// writes it.
//
// Text is checked on the way in (serials, kinds, notes, actors: UTF-8,
// no control characters, bounded length); bad input is an
// [*InvalidError] and nothing is stored.
//
// What it must not do: decide who gets equipment (the catalogue's job
// roles and the boarding engine do), read the org model, send anything,
// or hold personal data beyond a person's id: no names, no CPR numbers.
// It does not import package boarding, which imports it.
package inventory
