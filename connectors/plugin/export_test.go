package plugin

import (
	"testing"
)

// What the external test package (plugin_test) uses of this package's
// test harness.

// TestModes is testModes: an external test adds the plugin modes it
// serves in its init function.
var TestModes = testModes

// MarkEnv names the file a test plugin writes what it wants its test to
// know to.
const MarkEnv = markEnv

// NewTestPlugin returns the path and options that run this test binary as
// the plugin of the given mode, and the name of its mark file.
func NewTestPlugin(t testing.TB, mode string, env ...string) (path string, opts Options, mark string) {
	tp := newTestPlugin(t, mode, env...)
	return tp.path, tp.opts, tp.mark
}
