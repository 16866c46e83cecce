// Command testsummary reads `go test -json` output on standard input,
// prints it as `go test` would (package results, and the output of tests
// that failed or were skipped), and exits non-zero if any test failed, any
// package failed to build, or any test was skipped. CI uses it so that a
// test that skips (say, because the Samba AD DC could not start) fails the
// run instead of passing quietly:
//
//	go test -race -json ./... | go run ./internal/tools/testsummary
//
// What it must not do: run tests itself, or hide output a failing test
// printed.
package main
