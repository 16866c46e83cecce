package service

import (
	"strings"

	"github.com/orgsync/orgsync/boarding"
	"github.com/orgsync/orgsync/boarding/boardingdb"
	"github.com/orgsync/orgsync/boarding/catalogue"
	"github.com/orgsync/orgsync/boarding/inventory"
	"github.com/orgsync/orgsync/boarding/inventory/inventorydb"
	"github.com/orgsync/orgsync/connectors"
)

// wireBoarding makes the boarding engine over the store's orders and
// inventory, and its dispatcher: task mails through the outbox, AD
// groups through the directory, the initial password through a one-time
// link.
func (s *Service) wireBoarding() error {
	b := s.cfg.Boarding
	if b == nil {
		return nil
	}
	cat, err := catalogue.Load(b.Catalogue)
	if err != nil {
		return &ConfigError{File: s.cfg.file, Key: "boarding.catalogue", Err: err}
	}
	rights := b.Rights
	s.boarding = &boarding.Engine{Model: s.model, Catalogue: cat, Rights: &rights, Store: boardingdb.New(s.db), Now: s.opts.Now,
		Inventory: &inventory.Inventory{Store: inventorydb.New(s.db), Catalogue: cat, Now: s.opts.Now}, Logger: s.log}
	d := &boarding.Dispatcher{Engine: s.boarding, Outbox: s.outbox, From: b.From, BaseURL: strings.TrimRight(s.cfg.HTTP.PublicURL, "/"),
		Provisioners: map[string]connectors.Provisioner{"ad-groups": &boarding.ADGroups{Directory: s.dir}}}
	if !b.LinkKey.IsZero() {
		key, err := b.LinkKey.Read(s.opts.Getenv, "")
		if err != nil {
			return &ConfigError{File: s.cfg.file, Key: "boarding.link_key", Err: err}
		}
		if d.Signer, err = boarding.NewSigner([]byte(string(key))); err != nil {
			return &ConfigError{File: s.cfg.file, Key: "boarding.link_key", Err: err}
		}
		if ps, ok := s.dir.(connectors.PasswordSetter); ok {
			d.Passwords = ps
			d.Secrets = &boarding.Secrets{Store: boardingdb.NewSecrets(s.db, s.opts.Now)}
		}
	}
	s.dispatcher = d
	return nil
}
