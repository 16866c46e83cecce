// Package plugintest builds the example plugins for their tests: each
// binary once per test binary, with the go command that runs the tests.
//
// What it must not do: run a plugin (the tests start them through
// connectors/plugin), or be imported outside tests.
package plugintest
