// Package shorten shortens text for error messages and reports.
//
// It owns one job: cutting a string that came from outside (a name, a
// key, a file's line) to a bounded length at a character boundary, so a
// huge or hostile input cannot make a huge error and a cut never leaves
// broken UTF-8. It must not mask personal data; that is internal/redact's
// job, and callers apply both where both are needed.
package shorten
