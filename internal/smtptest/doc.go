// Package smtptest runs a real SMTP server on loopback for tests
// (github.com/emersion/go-smtp over real TCP): a submission listener with
// STARTTLS and one with implicit TLS, both from a test CA of its own,
// AUTH PLAIN and LOGIN, and every message it accepts kept with its
// envelope, so that a test asserts on what a server received. A test can
// script refusals (a 421 or a 550 at MAIL, RCPT or DATA), turn STARTTLS
// off (a downgrade), and stop and start the server on the same ports.
//
// What this package must not do: it is test support only, imported by
// tests; it listens on 127.0.0.1 only and keeps everything in memory.
package smtptest
