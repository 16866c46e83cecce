package service

import (
	"github.com/orgsync/orgsync/boarding/notify"
	"github.com/orgsync/orgsync/boarding/outbox"
	"github.com/orgsync/orgsync/boarding/outbox/outboxdb"
	"github.com/orgsync/orgsync/boarding/report"
	"github.com/orgsync/orgsync/boarding/report/reportdb"
	"github.com/orgsync/orgsync/connectors/smtp"
)

// smtpPasswordEnv holds the SMTP password where the configuration names
// no place for it, as for the operator CLI.
const smtpPasswordEnv = "ORGSYNC_SMTP_PASSWORD"

// wireMail opens the mail server and makes the outbox's sender, the
// notifier of the mail rules and the report scheduler.
func (s *Service) wireMail() error {
	cfg := s.cfg
	s.outbox = outboxdb.New(s.db)
	if cfg.Mail == nil {
		return nil
	}
	m := cfg.Mail
	if s.opts.Mailer != nil {
		s.mailer = s.opts.Mailer
	} else {
		c := smtp.Config{Host: m.SMTP.Host, Port: m.SMTP.Port, TLS: m.SMTP.TLS, CAFile: m.SMTP.CAFile, ServerName: m.SMTP.ServerName,
			Auth: m.SMTP.Auth, Username: m.SMTP.Username}
		if c.Auth != "" {
			pw, err := m.SMTP.Password.Read(s.opts.Getenv, smtpPasswordEnv)
			if err != nil {
				return &ConfigError{File: cfg.file, Key: "mail.smtp.password", Err: err}
			}
			c.Password = pw
		}
		mailer, err := smtp.Open(c)
		if err != nil {
			return &ConfigError{File: cfg.file, Key: "mail.smtp", Err: err}
		}
		s.mailer, s.mailOwn = mailer, true
	}
	s.sender = &outbox.Worker{Store: s.outbox, Mailer: s.mailer, Now: s.opts.Now, Logger: s.log}
	rules, err := notify.Compile(m.Notify)
	if err != nil {
		return &ConfigError{File: cfg.file, Key: "mail.notify", Err: err}
	}
	s.notifier = &notify.Notifier{Rules: rules, Model: s.model, Outbox: s.outbox, Digests: s.outbox, Wake: s.wake, Now: s.opts.Now, Logger: s.log}
	if len(cfg.Reports) > 0 {
		s.reports = &report.Scheduler{Model: s.model, Ledger: reportdb.New(s.db, s.outbox), Schedules: cfg.Reports, Now: s.opts.Now, Logger: s.log}
		if err := s.reports.Check(); err != nil {
			return &ConfigError{File: cfg.file, Key: "reports", Err: err}
		}
	}
	return nil
}
