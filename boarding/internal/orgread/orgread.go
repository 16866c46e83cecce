package orgread

import (
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// EmailType is the address type of e-mail addresses.
const EmailType = "EMAIL"

// Latest returns an object's attributes on day, or else in the span
// nearest before it, or else its first: a notice or a report row about
// someone who left still names them.
func Latest[A orgmodel.Attrs](v orgmodel.View, id uuid.UUID, day timeline.Date) (A, bool) {
	o, ok := v.Object(id)
	if !ok {
		var zero A
		return zero, false
	}
	return At[A](o, day)
}

// At is Latest on an object at hand (an old version, say).
func At[A orgmodel.Attrs](o orgmodel.Object, day timeline.Date) (A, bool) {
	var zero A
	if o.Timeline.IsEmpty() {
		return zero, false
	}
	pick := o.Timeline.Span(0).Value
	for sp := range o.Timeline.All() {
		if sp.Interval.From > day {
			break
		}
		pick = sp.Value
	}
	a, ok := pick.(A)
	return a, ok
}

// Around returns the stretch of validity that holds day, or the nearest
// one before it, or the first; the zero interval for an empty timeline.
func Around(tl timeline.Timeline[struct{}], day timeline.Date) timeline.Interval {
	if tl.IsEmpty() {
		return timeline.Interval{}
	}
	pick := tl.Span(0).Interval
	for sp := range tl.All() {
		if sp.Interval.From > day {
			break
		}
		pick = sp.Interval
	}
	return pick
}

// Name is the name a person goes by: the nickname's parts where set,
// else the registered given names and surname.
func Name(a orgmodel.PersonAttrs) string {
	if a.NicknameGivenNames != "" || a.NicknameSurname != "" {
		return joinName(or(a.NicknameGivenNames, a.GivenNames), or(a.NicknameSurname, a.Surname))
	}
	return joinName(a.GivenNames, a.Surname)
}

// Emails returns the owner's EMAIL addresses on the graph's day, sorted,
// without repeats.
func Emails(g orgmodel.Graph, owner uuid.UUID) []string {
	var out []string
	for _, a := range g.Addresses(owner) {
		if a.Type == EmailType && a.Value != "" {
			out = append(out, a.Value)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// Path returns the names from the root down to the unit named name,
// joined by " / ".
func Path(g orgmodel.Graph, unit uuid.UUID, name string) string {
	var path []string
	for _, anc := range g.Ancestors(unit) {
		path = append(path, anc.Name)
	}
	slices.Reverse(path)
	return strings.Join(append(path, name), " / ")
}

func joinName(given, sur string) string { return strings.TrimSpace(given + " " + sur) }

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
