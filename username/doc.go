// Package username generates usernames, userPrincipalNames and e-mail
// addresses by a municipality's own rules, as OS2mo's
// "brugernavnsgenerator" does, and guarantees they are unique everywhere a
// name can be taken.
//
// A [Generator] turns a person's [Name] into name [Parts] (transliterated
// with golang.org/x/text: æ→ae, ø→oe, å→aa, ä→ae, ö→oe, ü→ue, ß→ss,
// accents stripped, everything else dropped; see [Normalizer]), then tries
// candidates in a fixed order: the OS2mo [Pattern]s of the [Config] (F, 1,
// 2, 3, L and X, with OS2mo's exact semantics), then a numbered suffix, then
// a fallback for names with no Latin letters. A candidate is rejected if it
// is out of the length bounds, forbidden (configured words, exact or as a
// substring; Windows device names always), or taken in any [Taken] place
// under the [ReusePolicy]. The first free candidate is reserved in the same
// step, so concurrent requests never get the same name; [Generator.Create]
// treats the directory's "already exists" as the final word and moves on.
// With Request.Explain the result lists every rejected candidate and why.
//
// The places a name can be taken are the [Taken] interface. [Index] is the
// fast in-memory one, loaded once from a directory by paged search and kept
// current from its change feed, over sAMAccountName, the UPN prefix, the
// local parts of mail and proxyAddresses, so generating a name costs no
// directory round trip. Accounts in the chapel are ordinary accounts in the
// directory and so are covered; historical usernames come from the org
// model's accounts.
//
// What it must not do: write anywhere, or decide policy beyond names. It
// reads the directory and the org model only through their contracts
// (connectors.Directory, orgmodel.View); creating the account is the
// caller's job.
package username
