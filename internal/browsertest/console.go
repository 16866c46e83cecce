package browsertest

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// console records what a page reports as going wrong: console.error and
// console.assert calls, and uncaught exceptions (including rejected
// promises nobody handled). Warnings and the browser's own network log are
// left out: a missing favicon is not a failing page.
type console struct {
	mu       sync.Mutex
	problems []string
}

// listen starts recording the tab's runtime events. The function runs in
// chromedp's read loop, so it only formats and appends.
func (c *console) listen(ctx context.Context) error {
	return chromedp.Listen(ctx, func(ev any) {
		var msg string
		switch ev := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if ev.Type != runtime.ConsoleAPICalledTypeError && ev.Type != runtime.ConsoleAPICalledTypeAssert {
				return
			}
			msg = "console." + string(ev.Type) + ": " + formatArgs(ev.Args) + location(ev.StackTrace)
		case *runtime.EventExceptionThrown:
			msg = "uncaught exception: " + formatException(ev.ExceptionDetails)
		default:
			return
		}
		c.mu.Lock()
		c.problems = append(c.problems, msg)
		c.mu.Unlock()
	})
}

func formatArgs(args []*runtime.RemoteObject) string {
	parts := make([]string, 0, len(args))
	for _, a := range args {
		switch {
		case a.Description != "":
			parts = append(parts, a.Description)
		case len(a.Value) > 0:
			// A JSON value; a string shows as its text, as the console would.
			var s string
			if json.Unmarshal(a.Value, &s) != nil {
				s = string(a.Value)
			}
			parts = append(parts, s)
		case a.UnserializableValue != "":
			parts = append(parts, string(a.UnserializableValue))
		default:
			parts = append(parts, string(a.Type))
		}
	}
	return strings.Join(parts, " ")
}

func formatException(d *runtime.ExceptionDetails) string {
	if d == nil {
		return "(no details)"
	}
	msg := d.Text
	if d.Exception != nil && d.Exception.Description != "" {
		// The description is "Error: message\n    at stack"; the first
		// line is what a reader needs, the stack follows in location.
		desc, _, _ := strings.Cut(d.Exception.Description, "\n")
		msg += " " + desc
	}
	if d.URL != "" {
		msg += fmt.Sprintf(" (%s:%d:%d)", d.URL, d.LineNumber+1, d.ColumnNumber+1)
	}
	return msg
}

// location names where a console call was made: the top frame of its stack.
func location(st *runtime.StackTrace) string {
	if st == nil || len(st.CallFrames) == 0 {
		return ""
	}
	f := st.CallFrames[0]
	return fmt.Sprintf(" (%s:%d:%d)", f.URL, f.LineNumber+1, f.ColumnNumber+1)
}

// Errors returns what the tab's pages reported as errors so far, in order:
// console.error and console.assert calls and uncaught exceptions.
func (t *Tab) Errors() []string {
	t.console.mu.Lock()
	defer t.console.mu.Unlock()
	return append([]string(nil), t.console.problems...)
}

// AssertNoErrors fails the test (without stopping it) if the tab's pages
// reported any error; see [Tab.Errors].
func (t *Tab) AssertNoErrors() {
	t.tb.Helper()
	if errs := t.Errors(); len(errs) > 0 {
		t.tb.Errorf("browsertest: the page reported %d error(s):\n\t%s", len(errs), strings.Join(errs, "\n\t"))
	}
}
