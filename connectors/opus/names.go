package opus

import (
	"cmp"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// prefix and suffix frame a dump's name: ZLPE<YYYYmmddHHMMSS>…xml.
const (
	prefix    = "ZLPE"
	suffix    = ".xml"
	stampLen  = len("20060102150405")
	stampForm = "20060102150405"
)

// Dump is a file in the folder whose name is a dump's: ZLPE, a timestamp
// YYYYmmddHHMMSS, anything, and .xml.
type Dump struct {
	// Name is the file's name in the folder.
	Name string
	// Time is the timestamp in the name, read as a time of day in UTC
	// (the name carries no zone; only its order and its day matter).
	Time time.Time
}

// Day is the day of the dump's timestamp: the day whose state it holds,
// from which an employee who left or is missing from it is gone.
func (d Dump) Day() timeline.Date {
	y, m, dd := d.Time.Date()
	return timeline.MustDate(y, m, dd)
}

// ParseName returns the dump a file name names, and false if it is not a
// dump's name.
func ParseName(name string) (Dump, bool) {
	if len(name) < len(prefix)+stampLen+len(suffix) || !strings.HasPrefix(name, prefix) || !strings.HasSuffix(name, suffix) {
		return Dump{}, false
	}
	stamp := name[len(prefix) : len(prefix)+stampLen]
	for i := range len(stamp) {
		if stamp[i] < '0' || stamp[i] > '9' {
			return Dump{}, false
		}
	}
	t, err := time.Parse(stampForm, stamp)
	if err != nil {
		return Dump{}, false
	}
	return Dump{Name: name, Time: t}, true
}

// DumpName returns the name Write gives a dump of time t:
// "ZLPE20261122030000.xml".
func DumpName(t time.Time) string { return prefix + t.UTC().Format(stampForm) + suffix }

// compareDumps orders dumps by timestamp, then by name.
func compareDumps(a, b Dump) int {
	return cmp.Or(a.Time.Compare(b.Time), cmp.Compare(a.Name, b.Name))
}

// listDumps returns the dumps among a folder's entries, oldest first.
// Folders, and files whose names are not dumps', are left out.
func listDumps(entries []os.DirEntry) []Dump {
	var out []Dump
	for _, e := range entries {
		if t := e.Type(); !t.IsRegular() && t&os.ModeSymlink == 0 {
			continue
		}
		if d, ok := ParseName(e.Name()); ok {
			out = append(out, d)
		}
	}
	slices.SortFunc(out, compareDumps)
	return out
}
