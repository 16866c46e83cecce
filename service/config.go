package service

import (
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/orgsync/orgsync/adsync"
	"github.com/orgsync/orgsync/boarding"
	"github.com/orgsync/orgsync/boarding/notify"
	"github.com/orgsync/orgsync/boarding/report"
	"github.com/orgsync/orgsync/chapel"
	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/connectors/ad"
	"github.com/orgsync/orgsync/service/auth"
	"github.com/orgsync/orgsync/username"
)

// Config is the whole service's configuration, as a file holds it. Every
// section but Store and Directory is optional: a section left out is a
// part of the service that does not run. Relative paths are relative to
// the file's folder. Secrets are never in the file: it names a file or an
// environment variable holding each ([Secret]).
type Config struct {
	// Zone is the organisation's time zone (default Europe/Copenhagen).
	Zone string `yaml:"zone" json:"zone"`
	// Store is the state database.
	Store Store `yaml:"store" json:"store"`
	// Directory is Active Directory, or the in-memory twin.
	Directory Directory `yaml:"directory" json:"directory"`
	// Model says where the org model starts from when the store has none.
	Model Model `yaml:"model" json:"model"`
	// Sync is adsync's configuration: the base OU, the mapping, groups.
	Sync adsync.Config `yaml:"sync" json:"sync"`
	// Username is the username rules for new accounts.
	Username username.Config `yaml:"username" json:"username"`
	// Chapel, if set, hands leavers to the chapel OU under its breaker.
	Chapel *Chapel `yaml:"chapel" json:"chapel"`
	// Schedule is how often the background work runs.
	Schedule Schedule `yaml:"schedule" json:"schedule"`
	// Rules is a file of org rules run after each payroll import (package
	// orgmodel/rules); "" for none.
	Rules string `yaml:"rules" json:"rules"`
	// Sources are the payroll and identity sources, each polled on its
	// own schedule.
	Sources []Source `yaml:"sources" json:"sources"`
	// Mail, if set, delivers the outbox over SMTP and queues the notices
	// of its rules.
	Mail *Mail `yaml:"mail" json:"mail"`
	// Reports are the scheduled reports, mailed through the outbox
	// (which needs Mail).
	Reports []report.Schedule `yaml:"reports" json:"reports"`
	// Boarding, if set, runs the on- and offboarding of seed 004.
	Boarding *Boarding `yaml:"boarding" json:"boarding"`
	// HTTP is where the service answers.
	HTTP HTTP `yaml:"http" json:"http"`
	// Auth is how people log in to the service's pages and API, and
	// which groups give which rights. Without it nobody can log in.
	Auth *Auth `yaml:"auth" json:"auth"`

	file string     // the file it was read from, for errors
	root *yaml.Node // its document, for the lines of errors
	dir  string     // its folder, which the sources' paths are relative to
}

// Store is the state database.
type Store struct {
	// URL is a SQLite file (default orgsync.db beside the configuration)
	// or a postgres:// URL.
	URL string `yaml:"url" json:"url"`
	// Key is the database's key, which encrypts national ids (default
	// the environment's ORGSYNC_DB_KEY, else the file URL + ".key", made
	// on the first run for SQLite).
	Key Secret `yaml:"key" json:"key"`
}

// Directory is how the service reaches Active Directory: ad.Config's keys
// and where the bind password is. With Twin it uses the in-memory twin
// instead (for trying the service out; nothing reaches a real AD and the
// twin's contents are lost on restart).
type Directory struct {
	ad.Config `yaml:",inline"`
	// Password is the bind password's file or variable (default the
	// environment's ORGSYNC_AD_PASSWORD).
	Password Secret `yaml:"password" json:"password"`
	// Twin uses the in-memory twin, with its own base.
	Twin bool `yaml:"twin" json:"twin"`
}

// Model is where the org model starts from when the store holds none: a
// model file (package orgmodel/modelfile), else the synthetic
// municipality if Synthetic is set, else empty (the sources fill it).
type Model struct {
	// File is a model file.
	File string `yaml:"file" json:"file"`
	// Synthetic, if set, generates a synthetic municipality of this many
	// persons (for trying the service out).
	Synthetic *Synthetic `yaml:"synthetic" json:"synthetic"`
}

// Synthetic chooses a synthetic municipality.
type Synthetic struct {
	// Persons is its number of persons (10 to 100,000).
	Persons int `yaml:"persons" json:"persons"`
	// Seed makes it (default 1).
	Seed uint64 `yaml:"seed" json:"seed"`
}

// Chapel is the chapel's policy and its mass-action breaker.
type Chapel struct {
	// Policy is the chapel's policy.
	Policy chapel.Policy `yaml:"policy" json:"policy"`
	// MaxActions is the most disables and deletions one run may do
	// (default 25).
	MaxActions int `yaml:"max_actions" json:"max_actions"`
	// MaxShare is the largest share (0–1) of accounts a run may disable
	// or delete (default 0.05).
	MaxShare float64 `yaml:"max_share" json:"max_share"`
}

// Schedule is how often the background work runs. Zero values take the
// defaults.
type Schedule struct {
	// Reconcile is the time between full reconciliations (default 1h):
	// the safety net under the event-driven worker, and the run that
	// hands leavers to the chapel.
	Reconcile time.Duration `yaml:"reconcile" json:"reconcile"`
	// ReadBack is the time between passes of AD's change feed (default
	// 2s: a pass runs between the worker's batches, so short passes keep
	// changes from waiting behind a long one).
	ReadBack time.Duration `yaml:"read_back" json:"read_back"`
	// Boarding is the time between the boarding engine's sweeps and
	// dispatches (default 1m).
	Boarding time.Duration `yaml:"boarding" json:"boarding"`
	// Parallel is how many persons the worker processes at once (default
	// 4).
	Parallel int `yaml:"parallel" json:"parallel"`
}

// Source is a payroll or identity source and its schedule.
type Source struct {
	// Name is the org model's name of the source ("sd"); unique.
	Name string `yaml:"name" json:"name"`
	// Kind is the connector: file, sd, opus, omada, or plugin.
	Kind string `yaml:"kind" json:"kind"`
	// Every is the time between imports (default 1h).
	Every time.Duration `yaml:"every" json:"every"`
	// Connector is the connector's own configuration, as its package
	// documents it.
	Connector yaml.Node `yaml:"connector" json:"-"`
	// Identity is an identity source's intake (kind omada, or a plugin
	// serving IdentitySource).
	Identity *Identity `yaml:"identity" json:"identity"`
}

// Identity is an identity source's intake.
type Identity struct {
	// TemporaryCategories are the identity categories that are temporary
	// staff (vikarer), who get an engagement in their unit.
	TemporaryCategories []string `yaml:"temporary_categories" json:"temporary_categories"`
	// UnitsFrom is the payroll source whose unit keys identities use.
	UnitsFrom string `yaml:"units_from" json:"units_from"`
	// AccountSystem is the system of their accounts (default Active
	// Directory).
	AccountSystem string `yaml:"account_system" json:"account_system"`
}

// Mail is the mail server and the notification rules.
type Mail struct {
	// SMTP is the mail server.
	SMTP SMTP `yaml:"smtp" json:"smtp"`
	// Notify is the notification rules, sender and templates.
	Notify notify.Config `yaml:"notify" json:"notify"`
}

// SMTP is connectors/smtp's configuration as a file holds it.
type SMTP struct {
	// Host and Port are the server (Port default 587, or 465 with TLS
	// implicit).
	Host string `yaml:"host" json:"host"`
	// Port is the server's port.
	Port int `yaml:"port" json:"port"`
	// TLS is starttls (default), implicit or none.
	TLS string `yaml:"tls" json:"tls"`
	// CAFile is a PEM file of the CAs to trust instead of the system's.
	CAFile string `yaml:"ca_file" json:"ca_file"`
	// ServerName is the name the certificate must have (default Host).
	ServerName string `yaml:"server_name" json:"server_name"`
	// Auth is plain, login, or "" for none.
	Auth string `yaml:"auth" json:"auth"`
	// Username is the account for Auth.
	Username string `yaml:"username" json:"username"`
	// Password is its password's file or variable (default the
	// environment's ORGSYNC_SMTP_PASSWORD).
	Password Secret `yaml:"password" json:"password"`
}

// Boarding is the on- and offboarding's configuration.
type Boarding struct {
	// Catalogue is the file of systems, equipment and job roles (package
	// boarding/catalogue).
	Catalogue string `yaml:"catalogue" json:"catalogue"`
	// Rights says who may order, attest and sign off contracts.
	Rights boarding.Rights `yaml:"rights" json:"rights"`
	// From is the sender of the task mails.
	From connectors.Address `yaml:"from" json:"from"`
	// LinkKey is the key that signs the task mails' links (32 bytes or
	// more, in a file or variable); without it task mails carry no links.
	LinkKey Secret `yaml:"link_key" json:"link_key"`
}

// HTTP is where the service answers.
type HTTP struct {
	// Listen is the address (default 127.0.0.1:8080).
	Listen string `yaml:"listen" json:"listen"`
	// PublicURL is how users reach it ("https://orgsync.kommune.dk"),
	// for the links in mails.
	PublicURL string `yaml:"public_url" json:"public_url"`
	// CertFile and KeyFile, if set, serve HTTPS.
	CertFile string `yaml:"cert_file" json:"cert_file"`
	// KeyFile is the certificate's private key.
	KeyFile string `yaml:"key_file" json:"key_file"`
}

// Auth is the service's login: with the directory's accounts (a bind
// with the user's own password, the default where the directory is AD),
// and optionally OpenID Connect; sessions in sealed cookies.
type Auth struct {
	// SessionKeys seal the session cookies: each a secret holding 32
	// bytes in base64 (openssl rand -base64 32). The first seals, every
	// one opens: to rotate, put a new key first. The same on every host.
	SessionKeys []Secret `yaml:"session_keys" json:"session_keys"`
	// InsecureCookies drops the cookies' Secure attribute, for trying the
	// service over plain HTTP on loopback only.
	InsecureCookies bool `yaml:"insecure_cookies" json:"insecure_cookies"`
	// NoPasswords turns the password login off (OpenID Connect only).
	NoPasswords bool `yaml:"no_passwords" json:"no_passwords"`
	// OIDC, if set, offers single sign-on.
	OIDC *OIDC `yaml:"oidc" json:"oidc"`
	// Roles are the groups that give rights: admin, hr, and systems (a
	// system's id to its administrators' groups). Managers are who the
	// org model says they are.
	Roles auth.RoleMap `yaml:"roles" json:"roles"`
	// Demo lets everyone in as an administrator called "demo", without a
	// login: only with the in-memory twin, for trying the service out.
	Demo bool `yaml:"demo" json:"demo"`
}

// OIDC is an OpenID provider the service offers single sign-on with.
type OIDC struct {
	// Issuer is the provider's issuer URL.
	Issuer string `yaml:"issuer" json:"issuer"`
	// ClientID is the service's registration at the provider.
	ClientID string `yaml:"client_id" json:"client_id"`
	// ClientSecret is its secret's file or variable.
	ClientSecret Secret `yaml:"client_secret" json:"client_secret"`
	// RedirectURL is the service's callback as registered (default
	// http.public_url + /login/oidc/callback).
	RedirectURL string `yaml:"redirect_url" json:"redirect_url"`
	// UsernameClaim and GroupsClaim name the claims (default
	// preferred_username and groups).
	UsernameClaim string `yaml:"username_claim" json:"username_claim"`
	// GroupsClaim names the claim that holds the groups.
	GroupsClaim string `yaml:"groups_claim" json:"groups_claim"`
	// CAFile is a PEM file of CAs that verify the provider's TLS.
	CAFile string `yaml:"ca_file" json:"ca_file"`
}
