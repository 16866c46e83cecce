package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// event is one line of test2json output.
type event struct {
	Action  string
	Package string
	Test    string
	Output  string
}

func main() {
	failed, skipped, err := summarize(os.Stdin, os.Stdout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "testsummary:", err)
		os.Exit(2)
	}
	if len(skipped) > 0 {
		fmt.Printf("\n%d skipped tests (CI runs every test; a skip is a failure):\n", len(skipped))
		for _, s := range skipped {
			fmt.Println("  " + s)
		}
	}
	if failed || len(skipped) > 0 {
		fmt.Println("\nFAIL")
		os.Exit(1)
	}
}

// summarize copies the run's essentials to w and reports whether anything
// failed, and which tests skipped.
func summarize(r io.Reader, w io.Writer) (failed bool, skipped []string, err error) {
	out := map[string][]string{} // package/test → its output so far
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		line := sc.Bytes()
		var e event
		if err := json.Unmarshal(line, &e); err != nil {
			// Not JSON: go test wrote it itself (e.g. a build error).
			fmt.Fprintln(w, string(line))
			continue
		}
		key := e.Package + " " + e.Test
		switch e.Action {
		case "output", "build-output":
			if e.Test == "" {
				fmt.Fprint(w, e.Output) // ok/FAIL lines and build errors
			} else {
				out[key] = append(out[key], e.Output)
			}
		case "fail", "build-fail":
			failed = true
			if e.Test != "" {
				fmt.Fprint(w, strings.Join(out[key], ""))
			}
			delete(out, key)
		case "skip":
			if e.Test != "" {
				skipped = append(skipped, e.Package+" "+e.Test)
				fmt.Fprint(w, strings.Join(out[key], ""))
			}
			delete(out, key)
		case "pass":
			delete(out, key)
		}
	}
	sort.Strings(skipped)
	return failed, skipped, sc.Err()
}
