// Package orgread holds the small readings of the org model that the
// boarding packages (notify, report) describe people and units with: an
// object's attributes around a day, the stretch of validity around a day,
// the name a person goes by, their e-mail addresses, a unit's path.
//
// It reads an orgmodel.View and a Graph and nothing else; it must not
// decide anything a package's users see differently from another's (each
// package formats what it reads itself).
package orgread
