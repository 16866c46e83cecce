package payrollfile

import (
	"os"
	"slices"
	"strings"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// spec describes one of a delivery's four files.
type spec struct {
	kind    connectors.PayrollKind
	name    string   // the file name's prefix: "units"
	columns []string // in the order Write writes them
	// optional columns may be left out of the header: they read as ""
	// in every row. Columns that carry structure or time are never
	// optional, so that forgetting one cannot silently flatten the tree
	// or make every engagement open-ended.
	optional []bool
	keys     []bool // key and reference columns, bounded by MaxKeyBytes
}

// The four files, in the order of PayrollKind; index k is kind k+1.
var specs = [4]spec{
	{
		kind:     connectors.PayrollUnitKind,
		name:     "units",
		columns:  []string{"key", "parent", "name", "level", "type", "from", "to"},
		optional: []bool{false, false, false, true, true, false, false},
		keys:     []bool{true, true, false, false, false, false, false},
	},
	{
		kind:     connectors.PayrollPersonKind,
		name:     "persons",
		columns:  []string{"key", "national_id", "given_names", "surname", "from", "to"},
		optional: []bool{false, false, false, false, false, false},
		keys:     []bool{true, false, false, false, false, false},
	},
	{
		kind:     connectors.PayrollEngagementKind,
		name:     "engagements",
		columns:  []string{"key", "person", "unit", "job_function", "type", "fraction", "from", "to"},
		optional: []bool{false, false, false, true, true, false, false, false},
		keys:     []bool{true, true, true, false, false, false, false, false},
	},
	{
		kind:     connectors.PayrollLeaveKind,
		name:     "leaves",
		columns:  []string{"key", "engagement", "type", "from", "to"},
		optional: []bool{false, false, true, false, false},
		keys:     []bool{true, true, false, false, false},
	},
}

// The columns of each file, by position in its spec.
const (
	uKey, uParent, uName, uLevel, uType, uFrom, uTo                  = 0, 1, 2, 3, 4, 5, 6
	pKey, pNationalID, pGivenNames, pSurname, pFrom, pTo             = 0, 1, 2, 3, 4, 5
	eKey, ePerson, eUnit, eJobFunction, eType, eFraction, eFrom, eTo = 0, 1, 2, 3, 4, 5, 6, 7
	lKey, lEngagement, lType, lFrom, lTo                             = 0, 1, 2, 3, 4
)

// FileName returns the name of the file that holds records of the given
// kind in the delivery of day: "units-2026-11-22.csv",
// "persons-2026-11-22.csv", "engagements-2026-11-22.csv" or
// "leaves-2026-11-22.csv". It returns "" for a kind that is not valid.
func FileName(kind connectors.PayrollKind, day timeline.Date) string {
	if !kind.Valid() {
		return ""
	}
	return fileName(int(kind)-1, day)
}

func fileName(k int, day timeline.Date) string { return specs[k].name + "-" + day.String() + ".csv" }

// Delivery is a day's delivery in the folder, complete or not.
type Delivery struct {
	// Day is the day the delivery is for, from its files' names.
	Day timeline.Date
	// Missing are the names of the delivery's files that are not in the
	// folder (yet); empty for a complete delivery.
	Missing []string
}

// Complete reports whether all four files of the delivery are there.
func (d Delivery) Complete() bool { return len(d.Missing) == 0 }

// parseName returns the file kind (0 to 3) and day of a delivery's file
// name, and false for any other name.
func parseName(name string) (int, timeline.Date, bool) {
	base, ok := strings.CutSuffix(name, ".csv")
	if !ok {
		return 0, 0, false
	}
	for k := range specs {
		if s, ok := strings.CutPrefix(base, specs[k].name+"-"); ok {
			day, err := timeline.ParseDate(s)
			return k, day, err == nil
		}
	}
	return 0, 0, false
}

// list returns the deliveries among the entries of a folder, by day.
func list(entries []os.DirEntry) []Delivery {
	found := map[timeline.Date]*[4]bool{}
	for _, e := range entries {
		if t := e.Type(); !t.IsRegular() && t&os.ModeSymlink == 0 {
			continue
		}
		k, day, ok := parseName(e.Name())
		if !ok {
			continue
		}
		if found[day] == nil {
			found[day] = new([4]bool)
		}
		found[day][k] = true
	}
	out := make([]Delivery, 0, len(found))
	for day, have := range found {
		d := Delivery{Day: day}
		for k, ok := range have {
			if !ok {
				d.Missing = append(d.Missing, fileName(k, day))
			}
		}
		out = append(out, d)
	}
	slices.SortFunc(out, func(a, b Delivery) int { return int(a.Day) - int(b.Day) })
	return out
}
