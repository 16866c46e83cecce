// Command capgen writes directory_caps.go: a function that puts together,
// for each of the 256 sets of a Directory's optional capabilities, a value
// that implements exactly those interfaces. Go cannot add methods to a
// value at run time, and a host must be able to discover a plugin's
// capabilities by type assertion as it does a compiled-in connector's, so
// every combination is spelt out (as httpsnoop does for
// http.ResponseWriter).
//
// It is run by go generate in package plugin; the output is committed.
//
// What this command must not do: write anything but directory_caps.go.
package main
