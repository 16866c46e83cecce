// Package synth generates a synthetic municipality for tests, benchmarks and
// examples: a payroll tree with SD-style levels ("NY3-niveau",
// "Afdelings-niveau") and `_leder` units, a smaller administrative tree
// coupled to it by related-units links, persons with realistic names in
// several scripts, their engagements and the manager roles, every fact with
// a validity timeline around a reference day (future hires, past and future
// terminations, vacant roles).
//
// What it owns: turning a [Config] (a seed and the sizes) into two
// orgmodel.Snapshot values, one per source, that the org model accepts as
// they are. The same Config always gives the same output, on every run and
// every platform, so a failing test or a benchmark figure can be reproduced
// from the seed alone.
//
// What it must not do: any I/O (no files, network or clock: the reference
// day and the registration time are parameters), or hold real personal
// data. The names are common first and last names put together at random.
// The CPR numbers are syntactically valid (a real birth date, the century
// rule, never fictive) but random, and nothing here can guarantee that one
// of them is not some real person's number, so what this package makes is
// test and demo data only and must never be loaded where real people's data
// lives.
package synth
