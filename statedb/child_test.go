package statedb_test

// childEnv makes the test binary a child process for the crash tests
// (see crash_test.go) instead of running the tests.
const childEnv = "STATEDB_TEST_CHILD"

func child() int { return 0 }
