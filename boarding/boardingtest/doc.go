// Package boardingtest is the conformance suite for boarding.Store: the
// in-memory twin and the state database's store pass the same tests.
//
// It must not depend on any store's internals: it reads and writes
// through the Store contract only.
package boardingtest
