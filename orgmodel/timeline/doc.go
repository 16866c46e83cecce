// Package timeline holds values over time: the validity of everything in
// the org model.
//
// A [Timeline] is a sorted list of [Span]s, each a value over a half-open
// [Interval] of days [From, To). An interval either ends on a day or is
// open-ended, and the open end is explicit ([Open], printed "∞" and never
// confused with a far-future date a source may send). Adjacent spans with
// equal values are merged, so two timelines that mean the same are equal.
// Timelines are immutable values: every operation returns a new one, so a
// timeline handed out can never be changed behind its owner's back.
//
// Days are calendar dates ([Date]) without a zone. A [Zone] converts between
// instants and dates in the organisation's time zone (Europe/Copenhagen by
// default), and [EndInclusive] converts the inclusive last days that most
// payroll exports and older OS2mo versions use into exclusive ends.
//
// What it must not do: know anything about organisations. It is a generic
// primitive with no I/O and no clock; callers pass time in.
package timeline
