// Package username generates usernames, userPrincipalNames and e-mail
// addresses by a municipality's own rules, as OS2mo's
// "brugernavnsgenerator" does.
//
// It owns transliteration of names into Latin letters, OS2mo-compatible
// patterns and other strategies, forbidden words, uniqueness across every
// place a name can be taken, the reuse policy, and concurrency-safe
// reservation.
//
// What it must not do: look anything up itself. The places where a name can
// be taken are interfaces the caller supplies; the package is pure domain
// code.
//
// Status: the package is specified by issue 4 and not yet built.
package username
