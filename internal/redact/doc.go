// Package redact masks personal data in text that may reach a log line, an
// error message or a plan.
//
// It owns one job: finding national identity numbers (Danish CPR numbers,
// Swedish personnummer) in free text and masking their last four digits,
// as 010190-xxxx. It is a safety net under code that already avoids
// printing them, for text orgsync does not control, such as a server's
// diagnostic message or a DN that an operator built from a CPR number.
//
// It must not validate numbers (that is the org model's job) and it must
// not be clever: it masks anything that has the shape, because a false
// positive in an error message costs nothing and a miss leaks a CPR number.
package redact
