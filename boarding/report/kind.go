package report

import "fmt"

// Kind is what a row reports: one fact about an engagement's start or
// end, registered at one registration.
type Kind string

// The kinds. The names are stable: they are in JSON output and in
// configuration.
const (
	// Hire: a new engagement, for a person not employed before it (or
	// employed elsewhere at the same time: a second engagement).
	Hire Kind = "hire"
	// Rehire: a new engagement for a person who had an engagement that
	// ended before this one starts, with at least a day between.
	Rehire Kind = "rehire"
	// Transfer: a new engagement starting the day another of the
	// person's ends: a move registered as a new engagement, which payroll
	// systems often do.
	Transfer Kind = "transfer"
	// StartMoved: an engagement's first day was registered as another
	// day (OldStart → Start).
	StartMoved Kind = "start-moved"
	// Cancelled: an engagement was removed (deleted, or its validity
	// taken away); OldStart and OldEnd say what it was.
	Cancelled Kind = "cancelled"
	// Termination: an end was registered for an engagement that had
	// none, or a new engagement was registered with its end.
	Termination Kind = "termination"
	// EndMoved: an engagement's end was registered as another day
	// (OldEnd → End).
	EndMoved Kind = "end-moved"
	// TerminationWithdrawn: an engagement's end was taken away: it runs
	// on (OldEnd → open).
	TerminationWithdrawn Kind = "termination-withdrawn"
)

// Kinds lists every kind, in the order the documentation gives them.
var Kinds = []Kind{Hire, Rehire, Transfer, StartMoved, Cancelled, Termination, EndMoved, TerminationWithdrawn}

// danish are the kinds' names in the Danish default reports.
var danish = map[Kind]string{
	Hire:                 "Ansættelse",
	Rehire:               "Genansættelse",
	Transfer:             "Ny ansættelse ved flytning",
	StartMoved:           "Startdato ændret",
	Cancelled:            "Ansættelse annulleret",
	Termination:          "Fratrædelse",
	EndMoved:             "Fratrædelsesdato ændret",
	TerminationWithdrawn: "Fratrædelse tilbagekaldt",
}

// Danish returns the kind's name in Danish ("Genansættelse").
func (k Kind) Danish() string {
	if s, ok := danish[k]; ok {
		return s
	}
	return string(k)
}

// Timing says when the fact takes effect, seen from the day it was
// registered.
type Timing string

// The timings.
const (
	// Future: it takes effect after the day of registration.
	Future Timing = "future"
	// Today: on the day of registration.
	Today Timing = "today"
	// Retroactive: before the day of registration (registered after the
	// fact).
	Retroactive Timing = "retroactive"
)

var danishTiming = map[Timing]string{Future: "Fremtidig", Today: "I dag", Retroactive: "Med tilbagevirkende kraft"}

// Danish returns the timing in Danish.
func (t Timing) Danish() string {
	if s, ok := danishTiming[t]; ok {
		return s
	}
	return string(t)
}

// Report is one of the three reports: which kinds it lists.
type Report string

// The reports.
const (
	// Hires lists hires, rehires, transfers, moved first days, and
	// engagements cancelled before they started: what onboarding
	// prepares.
	Hires Report = "hires"
	// Terminations lists terminations, moved and withdrawn ends, and
	// engagements removed after they started: what offboarding
	// prepares.
	Terminations Report = "terminations"
	// Changes lists every row.
	Changes Report = "changes"
)

// Reports lists the reports.
var Reports = []Report{Hires, Terminations, Changes}

// ParseReport returns the report named s.
func ParseReport(s string) (Report, error) {
	for _, r := range Reports {
		if string(r) == s {
			return r, nil
		}
	}
	return "", &QueryError{Field: "report", Problem: fmt.Sprintf("%q is not a report (want hires, terminations or changes)", clip(s))}
}

// lists reports whether the report lists the row.
func (r Report) lists(row *Row) bool {
	switch r {
	case Changes:
		return true
	case Hires:
		switch row.Kind {
		case Hire, Rehire, Transfer, StartMoved:
			return true
		case Cancelled:
			return !row.startedBefore
		}
	case Terminations:
		switch row.Kind {
		case Termination, EndMoved, TerminationWithdrawn:
			return true
		case Cancelled:
			return row.startedBefore
		}
	}
	return false
}
