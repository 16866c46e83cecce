package omada

import (
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// Config configures a connector: where the identity view is, how to sign
// in, and how the municipality's Omada names its fields. It is read from
// YAML or JSON with the tags given; zero values take the defaults
// documented on each field. [Config.Validate] checks it whole.
type Config struct {
	// URL is the OData identity view, with its query:
	// https://omada.example.dk/OData/DataObjects/Identity?viewid=1234.
	// It must be https:// unless Insecure is set.
	URL string `json:"url" yaml:"url"`
	// Filter is the OData $filter sent with the first request, such as
	// "IDENTITYSTATUS/Value eq 'Active'"; empty for none. It is sent as
	// written: Omada has no "or" and no "in".
	Filter string `json:"filter" yaml:"filter"`
	// Insecure allows an http:// URL. The credentials then cross the
	// network in the clear; for a test instance only.
	Insecure bool `json:"insecure" yaml:"insecure"`

	// Basic signs in with a user name and password. Exactly one of Basic
	// and OIDC is set.
	Basic *BasicAuth `json:"basic_auth" yaml:"basic_auth"`
	// OIDC signs in with OAuth 2 client credentials against the token
	// endpoint of an identity provider (Entra ID, Keycloak, ADFS).
	OIDC *OIDC `json:"oidc" yaml:"oidc"`

	// CAFile is a PEM file of the certificate authorities trusted for the
	// server's certificate (and the token endpoint's); default the
	// system's.
	CAFile string `json:"ca_file" yaml:"ca_file"`
	// RootCAs are trusted certificate authorities given in code; they
	// win over CAFile.
	RootCAs *x509.CertPool `json:"-" yaml:"-"`
	// ServerName is the name the server's certificate must carry; default
	// the URL's host.
	ServerName string `json:"server_name" yaml:"server_name"`
	// Timeout bounds each request (a page, a token) whose context has no
	// earlier deadline; default 60s.
	Timeout time.Duration `json:"timeout" yaml:"timeout"`
	// MaxPages bounds the pages of one poll, so that a server whose next
	// links never end cannot keep the connector reading; default 100,000.
	MaxPages int `json:"max_pages" yaml:"max_pages"`
	// TimeZone is the IANA zone that says which day an instant with an
	// offset falls on; default Europe/Copenhagen.
	TimeZone string `json:"time_zone" yaml:"time_zone"`

	// Fields are the view's field names for each part of an identity.
	Fields Fields `json:"fields" yaml:"fields"`
	// NationalIDForm says what is done with the national id: "cpr" (the
	// default) accepts a Danish CPR number as ddmmyy-xxxx or as ten
	// digits and delivers the ten digits, skipping a record whose value
	// is neither; "as_written" delivers the value as the source holds it,
	// spaces trimmed, for the host to judge (a Swedish personnummer).
	NationalIDForm string `json:"national_id_form" yaml:"national_id_form"`
	// Categories maps the values of the category field, as Omada writes
	// them ("561", "Vikar"), to the category delivered ("Vikar"); the
	// host's configuration says which categories are temporary staff. A
	// value not in the map is delivered as it is.
	Categories map[string]string `json:"categories" yaml:"categories"`
	// ServiceCategories are the categories, after Categories, whose
	// records are service accounts (AD robots) bound to a unit rather
	// than persons.
	ServiceCategories []string `json:"service_categories" yaml:"service_categories"`
	// TrimUnitZeros strips leading zeros from unit keys ("000123" is
	// "123"), for views that pad the key the payroll writes bare.
	TrimUnitZeros bool `json:"trim_unit_zeros" yaml:"trim_unit_zeros"`

	// Logger receives the connector's few log lines (a poll done, records
	// skipped, a mapped field no record has); default slog.Default(). No
	// line holds a national id or a secret.
	Logger *slog.Logger `json:"-" yaml:"-"`
	// Getenv looks up the variables that password_env and
	// client_secret_env name; default os.Getenv.
	Getenv func(string) string `json:"-" yaml:"-"`
	// Transport, if set, carries the requests instead of a transport of
	// the connector's own (CAFile, RootCAs and ServerName are then the
	// transport's business); for tests and proxies.
	Transport http.RoundTripper `json:"-" yaml:"-"`
}

// BasicAuth is HTTP basic authentication. The password comes from one of
// Password, PasswordFile and PasswordEnv.
type BasicAuth struct {
	// Username is the read-only service account.
	Username string `json:"username" yaml:"username"`
	// Password is the account's password, given in code.
	Password connectors.Secret `json:"password" yaml:"password"`
	// PasswordFile is a file holding the password (a trailing line
	// break is dropped).
	PasswordFile string `json:"password_file" yaml:"password_file"`
	// PasswordEnv names the environment variable holding the password.
	PasswordEnv string `json:"password_env" yaml:"password_env"`
}

// OIDC is the OAuth 2 client credentials grant (RFC 6749 §4.4). The
// client secret comes from one of ClientSecret, ClientSecretFile and
// ClientSecretEnv.
type OIDC struct {
	// TokenURL is the identity provider's token endpoint.
	TokenURL string `json:"token_url" yaml:"token_url"`
	// ClientID is the connector's client.
	ClientID string `json:"client_id" yaml:"client_id"`
	// ClientSecret is the client's secret, given in code.
	ClientSecret connectors.Secret `json:"client_secret" yaml:"client_secret"`
	// ClientSecretFile is a file holding the secret (a trailing line
	// break is dropped).
	ClientSecretFile string `json:"client_secret_file" yaml:"client_secret_file"`
	// ClientSecretEnv names the environment variable holding the secret.
	ClientSecretEnv string `json:"client_secret_env" yaml:"client_secret_env"`
	// Scopes are the scopes asked for, such as
	// "api://omada/.default"; none by default.
	Scopes []string `json:"scopes" yaml:"scopes"`
}

// Fields name the view's fields that make an identity. A name is a field
// of the record ("C_CPRNUMBER") or, for a navigation object such as
// {"Id": 561, "Value": "Vikar"}, the field and the object's property
// joined by a dot ("IDENTITYCATEGORY.Id"). A field named without its
// property that holds an object gives the object's Value, else its
// DisplayName, KeyValue or Id. Names are compared exactly, as JSON keys
// are. An empty name means the view has no such field, except for Key,
// ValidFrom and ValidTo, which have defaults.
type Fields struct {
	// Key is the identity's id; default "UId".
	Key string `json:"key" yaml:"key"`
	// NationalID is the CPR number: "C_CPRNUMBER", "C_CPRNR".
	NationalID string `json:"national_id" yaml:"national_id"`
	// GivenNames are the first and middle names: "FIRSTNAME",
	// "C_FORNAVNE".
	GivenNames string `json:"given_names" yaml:"given_names"`
	// Surname is the last name: "LASTNAME".
	Surname string `json:"surname" yaml:"surname"`
	// Unit is the key of the identity's unit: "C_OUID_ODATA",
	// "C_ORGANISATIONSKODE".
	Unit string `json:"unit" yaml:"unit"`
	// JobTitle is the job title: "JOBTITLE", "C_JOBTITLE_ODATA".
	JobTitle string `json:"job_title" yaml:"job_title"`
	// Category is the identity category: "IDENTITYCATEGORY.Id",
	// "C_IDENCATEGORY_ODATA".
	Category string `json:"category" yaml:"category"`
	// ValidFrom is the first instant of the identity; default
	// "VALIDFROM".
	ValidFrom string `json:"valid_from" yaml:"valid_from"`
	// ValidTo is the identity's last day (inclusive; year 9999 or empty
	// for no end); default "VALIDTO".
	ValidTo string `json:"valid_to" yaml:"valid_to"`
	// ObjectGUID is the AD account's objectGUID: "C_OBJECTGUID_I_AD".
	ObjectGUID string `json:"object_guid" yaml:"object_guid"`
	// Login is the AD logon name: "ADLOGON", "C_LOGIN".
	Login string `json:"login" yaml:"login"`
	// Addresses are the e-mail addresses and phone numbers, in the
	// order delivered.
	Addresses []AddressField `json:"addresses" yaml:"addresses"`
}

// AddressField is a field of the view that holds an address of a type.
type AddressField struct {
	// Type is the address type delivered: "EMAIL", "PHONE", "MOBILE".
	Type string `json:"type" yaml:"type"`
	// Field is the view's field: "EMAIL", "C_DIREKTE_TLF", "CELLPHONE".
	Field string `json:"field" yaml:"field"`
}

// The values of Config.NationalIDForm.
const (
	// FormCPR accepts ddmmyy-xxxx and ten digits and delivers ten digits.
	FormCPR = "cpr"
	// FormAsWritten delivers the value as the source holds it.
	FormAsWritten = "as_written"
)

// Defaults.
const (
	defaultTimeout  = 60 * time.Second
	defaultMaxPages = 100_000
)

// Validate checks the whole configuration and returns a Configuration
// error (a *connectors.Error) that lists every problem found, or nil. It
// does not read the files named or the environment; Open does.
func (c *Config) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	checkURL(bad, "url", c.URL, c.Insecure)
	if u, err := url.Parse(c.URL); err == nil && strings.Contains(u.RawQuery, "$filter") {
		bad("url: give the filter in filter, not in the URL")
	}
	if err := connectors.CheckText(c.Filter, 4096); err != nil {
		bad("filter: %v", err)
	}
	switch {
	case c.Basic == nil && c.OIDC == nil:
		bad("no credentials: set basic_auth or oidc")
	case c.Basic != nil && c.OIDC != nil:
		bad("both basic_auth and oidc are set: choose one")
	}
	if b := c.Basic; b != nil {
		if b.Username == "" {
			bad("basic_auth.username is empty")
		}
		checkSecret(bad, "basic_auth.password", b.Password, b.PasswordFile, b.PasswordEnv)
	}
	if o := c.OIDC; o != nil {
		checkURL(bad, "oidc.token_url", o.TokenURL, c.Insecure)
		if o.ClientID == "" {
			bad("oidc.client_id is empty")
		}
		checkSecret(bad, "oidc.client_secret", o.ClientSecret, o.ClientSecretFile, o.ClientSecretEnv)
		for i, s := range o.Scopes {
			if s == "" || strings.ContainsAny(s, " \t\r\n") {
				bad("oidc.scopes[%d] %q is not a scope", i, s)
			}
		}
	}
	if c.Timeout < 0 {
		bad("timeout %v is negative", c.Timeout)
	}
	if c.MaxPages < 0 {
		bad("max_pages %d is negative", c.MaxPages)
	}
	if c.TimeZone != "" {
		if _, err := timeline.LoadZone(c.TimeZone); err != nil {
			bad("time_zone %q: %v", c.TimeZone, err)
		}
	}
	switch c.NationalIDForm {
	case "", FormCPR, FormAsWritten:
	default:
		bad("national_id_form %q: use %s or %s", c.NationalIDForm, FormCPR, FormAsWritten)
	}
	c.Fields.check(bad)
	for raw, cat := range c.Categories {
		if err := connectors.CheckText(cat, connectors.MaxFieldBytes); err != nil || cat == "" {
			bad("categories[%q]: %q is not a category", raw, cat)
		}
	}
	for i, s := range c.ServiceCategories {
		if s == "" {
			bad("service_categories[%d] is empty", i)
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return &connectors.Error{Kind: connectors.Configuration, Op: "config", Err: errors.Join(errs...)}
}

// checkURL checks an absolute https:// URL (http:// if insecure).
func checkURL(bad func(string, ...any), name, s string, insecure bool) {
	u, err := url.Parse(s)
	switch {
	case s == "":
		bad("%s is empty", name)
	case err != nil:
		bad("%s: %v", name, err)
	case u.Scheme != "https" && !(insecure && u.Scheme == "http"):
		bad("%s %q: the scheme must be https:// (http:// only with insecure)", name, s)
	case u.Host == "":
		bad("%s %q has no host", name, s)
	case u.User != nil:
		bad("%s: give the credentials in basic_auth or oidc, not in the URL", name)
	}
}

// checkSecret checks that a secret comes from exactly one place.
func checkSecret(bad func(string, ...any), name string, v connectors.Secret, file, env string) {
	n := 0
	for _, set := range []bool{v != "", file != "", env != ""} {
		if set {
			n++
		}
	}
	switch {
	case n == 0:
		bad("%s: none given; set %s_file or %s_env", name, name, name)
	case n > 1:
		bad("%s: give one of %s, %s_file and %s_env", name, name, name, name)
	}
	if file != "" {
		if _, err := os.Stat(file); err != nil {
			bad("%s_file: %v", name, err)
		}
	}
}

// check checks the field names.
func (f *Fields) check(bad func(string, ...any)) {
	names := []struct{ yaml, v string }{
		{"key", f.Key}, {"national_id", f.NationalID}, {"given_names", f.GivenNames}, {"surname", f.Surname},
		{"unit", f.Unit}, {"job_title", f.JobTitle}, {"category", f.Category}, {"valid_from", f.ValidFrom},
		{"valid_to", f.ValidTo}, {"object_guid", f.ObjectGUID}, {"login", f.Login},
	}
	for _, n := range names {
		checkField(bad, "fields."+n.yaml, n.v)
	}
	if f.GivenNames == "" && f.Surname == "" {
		bad("fields: neither given_names nor surname is set: an identity needs a name")
	}
	for i, a := range f.Addresses {
		w := fmt.Sprintf("fields.addresses[%d]", i)
		if err := connectors.CheckText(a.Type, connectors.MaxFieldBytes); err != nil || a.Type == "" {
			bad("%s.type %q is not an address type", w, a.Type)
		}
		if a.Field == "" {
			bad("%s.field is empty", w)
		}
		checkField(bad, w+".field", a.Field)
	}
}

// checkField checks a field name: a JSON key, or two joined by a dot.
func checkField(bad func(string, ...any), name, v string) {
	if v == "" {
		return
	}
	parts := strings.Split(v, ".")
	if len(parts) > 2 || slices.Contains(parts, "") || connectors.CheckText(v, 256) != nil {
		bad("%s %q: a field name, or a field and its property joined by one dot (IDENTITYCATEGORY.Id)", name, v)
	}
}

// WithDefaults returns the fields with the defaults of Key, ValidFrom
// and ValidTo filled in: the names the connector reads.
func (f Fields) WithDefaults() Fields {
	if f.Key == "" {
		f.Key = "UId"
	}
	if f.ValidFrom == "" {
		f.ValidFrom = "VALIDFROM"
	}
	if f.ValidTo == "" {
		f.ValidTo = "VALIDTO"
	}
	return f
}
