package web

import (
	"html/template"
	"strings"
	"time"

	"github.com/orgsync/orgsync/internal/redact"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// funcs are the templates' helpers.
func (p *Pages) funcs() template.FuncMap {
	loc := p.svc.Zone().Location()
	return template.FuncMap{
		// mask hides national ids in any text that could hold one: a
		// plan's values, an error, a reason, a name typed into a form.
		"mask": redact.NationalIDs,
		// when is a time in the organisation's zone, or "–" for none.
		"when": func(t time.Time) string {
			if t.IsZero() {
				return "–"
			}
			return t.In(loc).Format("2006-01-02 15:04")
		},
		"day": func(d timeline.Date) string {
			if d == 0 {
				return "–"
			}
			return d.String()
		},
		"join": func(s []string) string { return strings.Join(s, "; ") },
	}
}
