package web

import (
	"errors"
	"mime"
	"net/http"

	"github.com/orgsync/orgsync/boarding/report"
	"github.com/orgsync/orgsync/internal/redact"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// reportView is the report form, filled in.
type reportView struct {
	Report, From, To, Format string
	// Errors are the fields' problems, by field.
	Errors map[string]string
	// Kinds and Formats are the choices.
	Kinds   []report.Report
	Formats []report.Format
}

// reportForm shows the form; the window defaults to the last seven days
// and today.
func (p *Pages) reportForm(w http.ResponseWriter, r *http.Request) {
	today := p.svc.Zone().Date(p.svc.Now())
	p.showReportForm(w, r, http.StatusOK, reportView{Report: string(report.Hires), From: today.AddDays(-7).String(), To: today.String(), Format: string(report.CSV)})
}

func (p *Pages) showReportForm(w http.ResponseWriter, r *http.Request, status int, v reportView) {
	v.Kinds, v.Formats = report.Reports, []report.Format{report.CSV, report.XLSX}
	p.render(w, r, status, "reports.html", "Rapporter", v)
}

// reportFile answers the form with the report as a download. The form
// says "to" inclusive, as people count days; the report's window is
// half-open, so the day after is its end.
func (p *Pages) reportFile(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	v := reportView{Report: q.Get("report"), From: q.Get("from"), To: q.Get("to"), Format: q.Get("format"), Errors: map[string]string{}}
	kind, err := report.ParseReport(v.Report)
	if err != nil {
		v.Errors["report"] = "Vælg en rapport."
	}
	format, err := report.ParseFormat(v.Format)
	if err != nil || format == report.JSON {
		v.Errors["format"] = "Vælg CSV eller Excel (xlsx)."
	}
	from, err := timeline.ParseDate(v.From)
	if err != nil {
		v.Errors["from"] = "En dato som 2026-03-01."
	}
	to, err := timeline.ParseDate(v.To)
	if err != nil {
		v.Errors["to"] = "En dato som 2026-03-31."
	} else if v.Errors["from"] == "" && to < from {
		v.Errors["to"] = "Slutdatoen er før startdatoen."
	}
	if len(v.Errors) > 0 {
		p.showReportForm(w, r, http.StatusBadRequest, v)
		return
	}
	zone := p.svc.Zone()
	f, err := p.svc.Report(r.Context(), kind, zone.Start(from), zone.Start(to.AddDays(1)), format, report.Filter{})
	var qe *report.QueryError
	if errors.As(err, &qe) {
		v.Errors[qe.Field] = redact.NationalIDs(qe.Error())
		if qe.Field != "report" && qe.Field != "format" && qe.Field != "from" && qe.Field != "to" {
			v.Errors["report"] = redact.NationalIDs(qe.Error())
		}
		p.showReportForm(w, r, http.StatusBadRequest, v)
		return
	}
	if err != nil {
		p.serviceFailed(w, r, err)
		return
	}
	w.Header().Set("Content-Type", f.ContentType)
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": f.Name}))
	w.Header().Set("Cache-Control", "no-store")
	w.Write(f.Data)
}
