package boarding

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// FuzzTaskBlock: whatever a name, a unit's path, an orderer or a
// resource holds (any script, line breaks, control characters, "Key:
// value" look-alikes), a task mail's block stays one "Key: value" line per
// field, in the fixed order, and each value is the input on one line.
func FuzzTaskBlock(f *testing.F) {
	for _, s := range []string{"Åse Ørsted", "Анна Петрова", "李小龙", "a\nDone: https://evil", "x\r\nTask: y", "\x00\x1b[31m", "   ", ""} {
		f.Add(s, "Sjølund Kommune / Skolen", "soeren@sjolund.dk")
	}
	f.Fuzz(func(t *testing.T, name, unit, orderer string) {
		o := &Order{ID: uuid.New(), Kind: Onboard, Start: timeline.MustDate(2027, 3, 1), OrderedBy: orderer}
		task := &Task{ID: uuid.New(), Action: Grant, Item: Item{System: "aula", Resource: name}}
		facts := &taskFacts{order: o, task: task, person: name, username: "aaor", unitPath: unit, done: "https://x/d", refus: "https://x/r"}
		var b strings.Builder
		facts.block(&b)
		lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
		want := []string{"Orgsync-Task", "Order", "Task", "Action", "System", "Resource", "Person", "Username", "Unit", "First-Day", "Ordered-By", "Done", "Refuse"}
		got := map[string]string{}
		var keys []string
		for _, l := range lines {
			k, v, ok := strings.Cut(l, ": ")
			if !ok {
				t.Fatalf("a line without a key: %q", l)
			}
			if _, dup := got[k]; dup {
				t.Fatalf("the key %s twice in %q", k, b.String())
			}
			got[k] = v
			keys = append(keys, k)
		}
		i := 0
		for _, k := range keys {
			for i < len(want) && want[i] != k {
				i++
			}
			if i == len(want) {
				t.Fatalf("keys out of order or unknown: %v", keys)
			}
		}
		for k, in := range map[string]string{"Person": name, "Unit": unit, "Ordered-By": orderer, "Resource": name} {
			if v, ok := got[k]; ok && v != oneLine(in) {
				t.Fatalf("%s: %q, want %q", k, v, oneLine(in))
			}
			if strings.ContainsAny(got[k], "\r\n\x00") {
				t.Fatalf("%s holds a line break or NUL", k)
			}
		}
		if utf8.ValidString(name) && got["Done"] != "https://x/d" {
			t.Fatalf("the Done link is %q", got["Done"])
		}
	})
}
