package main

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/orgsync/orgsync/boarding/notify"
	"github.com/orgsync/orgsync/connectors"
	"github.com/orgsync/orgsync/connectors/smtp"
)

// mailConfig is the mail commands' configuration file (see
// testdata/mail/mail.yaml): how to reach the mail server, and the
// notification rules.
type mailConfig struct {
	// SMTP is the mail server.
	SMTP mailSMTP `yaml:"smtp"`
	// Notify is the notification rules, sender and templates.
	Notify notify.Config `yaml:"notify"`
}

// mailSMTP is smtp.Config in the file. The password is in a file (or
// ORGSYNC_SMTP_PASSWORD), never in the configuration itself.
type mailSMTP struct {
	Host            string          `yaml:"host"`
	Port            int             `yaml:"port"`
	TLS             string          `yaml:"tls"`
	CAFile          string          `yaml:"ca_file"`
	ServerName      string          `yaml:"server_name"`
	Auth            string          `yaml:"auth"`
	Username        string          `yaml:"username"`
	PasswordFile    string          `yaml:"password_file"`
	HELO            string          `yaml:"helo"`
	MessageIDDomain string          `yaml:"message_id_domain"`
	ConnectTimeout  notify.Duration `yaml:"connect_timeout"`
	SendTimeout     notify.Duration `yaml:"send_timeout"`
}

// mailPasswordEnv holds the SMTP password when the file names no
// password_file.
const mailPasswordEnv = "ORGSYNC_SMTP_PASSWORD"

// mailSetup is a checked mail configuration.
type mailSetup struct {
	cfg   mailConfig
	smtp  smtp.Config
	rules *notify.Rules
}

// loadMailConfig reads and checks a mail configuration: the SMTP section
// (the password read), the rules compiled and every template tried on
// sample data. Without withSMTP, the SMTP section is not read (preview
// sends nothing). Every problem is a *configError with the file and, where
// the file has it, the line; they are joined.
func loadMailConfig(name string, data []byte, withSMTP bool) (*mailSetup, error) {
	s := &mailSetup{}
	p, err := readConfigYAML(name, data, &s.cfg)
	if err != nil {
		return nil, err
	}
	if !withSMTP {
		// preview: nothing is sent
	} else if err := s.loadSMTP(); err != nil {
		for _, e := range flatten(err) {
			var ke *keyedError
			if errors.As(e, &ke) {
				p.bad("smtp."+ke.key, ke.err)
			} else {
				p.bad("smtp", e)
			}
		}
	}
	if s.rules, err = notify.Compile(s.cfg.Notify); err != nil {
		for _, e := range flatten(err) {
			var ce *notify.ConfigError
			switch {
			case errors.As(e, &ce) && ce.File != "":
				p.add(e) // a template: its own file and line
			case errors.As(e, &ce):
				p.bad(s.notifyKey(ce), ce.Err)
			default:
				p.bad("notify", e)
			}
		}
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	return s, nil
}

// keyedError is a problem with one key of a section.
type keyedError struct {
	key string
	err error
}

func (e *keyedError) Error() string { return e.key + ": " + e.err.Error() }

// loadSMTP makes the SMTP connector's configuration, the password read
// from its file or the environment, and checks it as the connector does.
func (s *mailSetup) loadSMTP() error {
	c := s.cfg.SMTP
	s.smtp = smtp.Config{Host: c.Host, Port: c.Port, TLS: c.TLS, CAFile: c.CAFile, ServerName: c.ServerName,
		Auth: c.Auth, Username: c.Username, HELO: c.HELO, MessageIDDomain: c.MessageIDDomain,
		ConnectTimeout: time.Duration(c.ConnectTimeout), SendTimeout: time.Duration(c.SendTimeout)}
	if c.Auth != "" {
		pw := os.Getenv(mailPasswordEnv)
		if c.PasswordFile != "" {
			b, err := os.ReadFile(c.PasswordFile)
			if err != nil {
				return &keyedError{"password_file", err}
			}
			pw = strings.TrimRight(string(b), "\r\n")
		}
		if pw == "" {
			return &keyedError{"password_file", fmt.Errorf("no password for %s: name a file holding it, or set %s (a password is never written in the configuration)", c.Username, mailPasswordEnv)}
		}
		s.smtp.Password = connectors.Secret(pw)
	}
	m, err := smtp.Open(s.smtp)
	if err != nil {
		return err
	}
	return m.Close()
}

// notifyIndex is the "rules[N]" a rule without a name is called.
var notifyIndex = regexp.MustCompile(`^rules\[(\d+)\]$`)

// notifyKey turns a notify.ConfigError's rule and field into the key's
// path in the file ("notify.rules.2.to.addresses.0"), so that its line
// can be found.
func (s *mailSetup) notifyKey(ce *notify.ConfigError) string {
	key := "notify"
	if ce.Rule != "" {
		i := -1
		if m := notifyIndex.FindStringSubmatch(ce.Rule); m != nil {
			i, _ = strconv.Atoi(m[1])
		}
		for j, r := range s.cfg.Notify.Rules {
			if i < 0 && r.Name == ce.Rule {
				i = j
			}
		}
		if i >= 0 {
			key += ".rules." + strconv.Itoa(i)
		}
	}
	if ce.Field != "" {
		f := strings.NewReplacer("[", ".", "]", "").Replace(ce.Field)
		key += "." + f
	}
	return key
}
