//go:build !linux

package browsertest

import "os/exec"

// dieWithParent does nothing here: only Linux has Pdeathsig, and chromedp
// kills the browser when its context ends.
func dieWithParent(*exec.Cmd) {}

// killProfileUsers does nothing here: there is no /proc to search.
func killProfileUsers(string) {}
