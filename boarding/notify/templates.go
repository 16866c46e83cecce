package notify

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"text/template"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

//go:embed templates/*.tmpl
var shipped embed.FS

// The parts every template file defines.
var parts = []string{"subject", "text", "html"}

// DigestTemplate is the name of the template a digest is written with.
const DigestTemplate = "digest"

// mailTemplate is one template file parsed twice: as text for the subject
// and the plain part, as HTML (escaped by context) for the HTML part.
type mailTemplate struct {
	file string // where it came from, for errors
	text *template.Template
	html *htmltemplate.Template
}

// funcs are the functions templates may call (documented in doc.go).
var funcs = map[string]any{
	"dato":      danishDate,
	"tidspunkt": danishTime,
	"join":      func(sep string, s []string) string { return strings.Join(s, sep) },
}

var months = [...]string{"januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober", "november", "december"}

// danishDate writes a day as "1. februar 2027"; "" for the zero day or
// an open end.
func danishDate(d timeline.Date) string {
	if d == 0 || d == timeline.Open || !d.Valid() {
		return ""
	}
	y, m, day := d.YMD()
	return fmt.Sprintf("%d. %s %d", day, months[m-1], y)
}

// danishTime writes an instant as "6. december 2026 kl. 14.03", in the
// zone it carries.
func danishTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return fmt.Sprintf("%d. %s %d kl. %02d.%02d", t.Day(), months[t.Month()-1], t.Year(), t.Hour(), t.Minute())
}

// loadTemplates parses the shipped templates, then those in dir (if
// any), which replace shipped ones of the same name, and checks each by
// running it on sample data: a template that names a field Data does not
// have fails here, naming its file and line, not when the first mail is
// written.
func loadTemplates(dir string) (map[string]*mailTemplate, error) {
	out := map[string]*mailTemplate{}
	var errs []error
	load := func(fsys fs.FS, name, shown string) {
		src, err := fs.ReadFile(fsys, name)
		if err != nil {
			errs = append(errs, &ConfigError{File: shown, Err: err})
			return
		}
		t, err := parseTemplate(shown, string(src))
		if err != nil {
			errs = append(errs, err)
			return
		}
		out[strings.TrimSuffix(path.Base(name), ".tmpl")] = t
	}
	names, _ := fs.Glob(shipped, "templates/*.tmpl")
	for _, n := range names {
		load(shipped, n, "(shipped) "+path.Base(n))
	}
	if dir != "" {
		fsys := os.DirFS(dir)
		names, err := fs.Glob(fsys, "*.tmpl")
		if err == nil && len(names) == 0 {
			_, err = fs.Stat(fsys, ".")
		}
		if err != nil {
			return nil, &ConfigError{File: dir, Err: fmt.Errorf("the template directory: %w", err)}
		}
		for _, n := range names {
			if err := checkName(strings.TrimSuffix(n, ".tmpl")); err != nil {
				errs = append(errs, &ConfigError{File: filepath.Join(dir, n), Err: err})
				continue
			}
			load(fsys, n, filepath.Join(dir, n))
		}
	}
	return out, errors.Join(errs...)
}

// tmplPos finds "NAME:LINE:" in a template error.
var tmplPos = regexp.MustCompile(`template: (.+?):(\d+):(?:\d+:)? ?(.*)$`)

// templateError turns a template package's error into a *ConfigError
// with the file and line.
func templateError(file string, err error) error {
	msg := err.Error()
	ce := &ConfigError{File: file, Err: err}
	if m := tmplPos.FindStringSubmatch(msg); m != nil && m[1] == file {
		ce.Line, _ = strconv.Atoi(m[2])
		ce.Err = errors.New(m[3])
	}
	return ce
}

func parseTemplate(file, src string) (*mailTemplate, error) {
	tt, err := template.New(file).Funcs(funcs).Option("missingkey=error").Parse(src)
	if err != nil {
		return nil, templateError(file, err)
	}
	ht, err := htmltemplate.New(file).Funcs(funcs).Option("missingkey=error").Parse(src)
	if err != nil {
		return nil, templateError(file, err)
	}
	for _, p := range parts {
		if tt.Lookup(p) == nil {
			return nil, &ConfigError{File: file, Err: fmt.Errorf("the file defines no %q template ({{define %q}}…{{end}})", p, p)}
		}
	}
	mt := &mailTemplate{file: file, text: tt, html: ht}
	var sample any = sampleData()
	if strings.TrimSuffix(path.Base(strings.TrimPrefix(file, "(shipped) ")), ".tmpl") == DigestTemplate {
		sample = sampleDigest()
	}
	if _, err := mt.render(sample); err != nil {
		return nil, err
	}
	return mt, nil
}

// rendered is a template's output.
type rendered struct{ subject, text, html string }

// render runs the three parts on data.
func (mt *mailTemplate) render(data any) (rendered, error) {
	var out rendered
	var b bytes.Buffer
	for _, p := range parts {
		b.Reset()
		var err error
		if p == "html" {
			err = mt.html.ExecuteTemplate(&b, p, data)
		} else {
			err = mt.text.ExecuteTemplate(&b, p, data)
		}
		if err != nil {
			return out, templateError(mt.file, err)
		}
		switch p {
		case "subject":
			out.subject = oneLine(b.String(), connectors.MaxSubjectBytes)
		case "text":
			out.text = strings.TrimSpace(b.String()) + "\n"
		case "html":
			out.html = strings.TrimSpace(b.String())
		}
	}
	if out.subject == "" {
		return out, &ConfigError{File: mt.file, Err: errors.New("the subject is empty")}
	}
	return out, nil
}

// oneLine makes text fit for a header: every run of spaces and control
// characters (CR and LF from a name included) becomes one space, and the
// result is cut to max bytes on a rune boundary, never ending in a space.
func oneLine(s string, max int) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsControl(r) || r == unicode.ReplacementChar {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	out := b.String()
	for len(out) > max {
		_, n := utf8.DecodeLastRuneInString(out)
		out = out[:len(out)-n]
	}
	return strings.TrimRight(out, " ") // the cut may end at a space
}

// templateNames lists the loaded templates' names, sorted.
func templateNames(ts map[string]*mailTemplate) []string {
	var out []string
	for n := range ts {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}
