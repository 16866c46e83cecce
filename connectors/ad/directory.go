package ad

import (
	"context"
	"errors"
	"log/slog"
	"sync/atomic"

	"github.com/go-ldap/ldap/v3"
	"github.com/orgsync/orgsync/connectors"
)

// Directory is a connection to an Active Directory domain controller. It
// implements connectors.Directory and every optional capability, and is safe
// for concurrent use.
type Directory struct {
	cfg    Config
	ep     endpoint
	pool   *pool
	log    *slog.Logger
	base   string // the configured base DN, or the naming context
	nc     string // the domain's naming context (defaultNamingContext)
	dsa    string // the DC's dsServiceName, which binds USN tokens to it
	feed   feed
	closed atomic.Bool
}

// Compile-time checks that the connector has every capability.
var (
	_ connectors.Directory      = (*Directory)(nil)
	_ connectors.Creator        = (*Directory)(nil)
	_ connectors.Modifier       = (*Directory)(nil)
	_ connectors.Mover          = (*Directory)(nil)
	_ connectors.Deleter        = (*Directory)(nil)
	_ connectors.Enabler        = (*Directory)(nil)
	_ connectors.PasswordSetter = (*Directory)(nil)
	_ connectors.GroupManager   = (*Directory)(nil)
	_ connectors.ChangeReader   = (*Directory)(nil)
)

// Open connects to the domain controller, binds, and reads what it needs of
// the rootDSE, so that a wrong URL, certificate, password or base DN is
// reported at once with a Configuration (or Transient) error.
func Open(ctx context.Context, cfg Config) (*Directory, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	ep, err := newEndpoint(cfg)
	if err != nil {
		return nil, err
	}
	d := &Directory{cfg: cfg, ep: ep, log: cfg.Logger.With("connector", "ad", "server", ep.String())}
	d.pool = newPool(cfg.MaxConns, cfg.IdleTimeout, d.dialOne)
	if err := d.readRootDSE(ctx); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

// dialOne opens one bound connection for the pool.
func (d *Directory) dialOne(ctx context.Context) (*ldap.Conn, error) {
	ctx, cancel := context.WithTimeout(ctx, d.cfg.DialTimeout)
	defer cancel()
	c, err := dial(ctx, d.ep, d.cfg.BindDN, string(d.cfg.BindPassword))
	if err != nil {
		return nil, mapError("connect", d.ep.String(), err)
	}
	// go-ldap's own request timeout backs up the context (which is what
	// bounds operations): it ends requests on a connection that hangs.
	c.SetTimeout(d.cfg.Timeout)
	return c, nil
}

// readRootDSE learns the naming context and the DC's identity, and checks
// that the base DN exists.
func (d *Directory) readRootDSE(ctx context.Context) error {
	const op = "connect"
	var root *ldap.Entry
	err := d.do(ctx, op, "rootDSE", always, func(c *ldap.Conn) (err error) {
		root, err = readEntry(c, "", "defaultNamingContext", "dsServiceName")
		return err
	})
	if err != nil {
		return err
	}
	if root == nil || root.GetAttributeValue("defaultNamingContext") == "" {
		return connectors.Errorf(connectors.Configuration, op, "%s has no defaultNamingContext: is it an Active Directory domain controller?", d.ep)
	}
	d.nc = root.GetAttributeValue("defaultNamingContext")
	d.dsa = root.GetAttributeValue("dsServiceName")
	d.base = d.cfg.BaseDN
	if d.base == "" {
		d.base = d.nc
	}
	if err := d.Ping(ctx); err != nil {
		if connectors.KindOf(err) == connectors.NotFound {
			return connectors.Errorf(connectors.Configuration, op, "base_dn %q does not exist on %s", d.base, d.ep)
		}
		return err
	}
	return nil
}

// BaseDN returns the DN where searches start by default.
func (d *Directory) BaseDN() string { return d.base }

// NamingContext returns the domain's naming context (its root DN).
func (d *Directory) NamingContext() string { return d.nc }

// Ping checks that the DC answers, the bind works and the base DN exists.
func (d *Directory) Ping(ctx context.Context) error {
	return d.do(ctx, "ping", d.base, always, func(c *ldap.Conn) error {
		_, err := readEntry(c, d.base, "objectGUID")
		return err
	})
}

// Close closes the connections. Operations after Close fail.
func (d *Directory) Close() error {
	d.closed.Store(true)
	d.pool.close()
	return nil
}

var errClosed = errors.New("the connector is closed")

// do runs fn on a pooled connection, bound to ctx: if ctx ends first, the
// connection is closed under fn, which ends its wait at once, and the
// result is a Transient error that errors.Is ctx's error. If fn finds its
// connection broken and retry (which may be nil) says so, fn runs once
// more on a new connection. Reads retry; writes do not, since a write that
// broke may have happened (the caller re-reads and decides).
func (d *Directory) do(ctx context.Context, op, object string, retry func() bool, fn func(*ldap.Conn) error) error {
	if d.closed.Load() {
		return &connectors.Error{Kind: connectors.Invalid, Op: op, Object: object, Err: errClosed}
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, d.cfg.Timeout)
		defer cancel()
	}
	for attempt := 0; ; attempt++ {
		if ctx.Err() != nil {
			return connectors.ContextError(ctx, op, object)
		}
		c, err := d.pool.get(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return connectors.ContextError(ctx, op, object)
			}
			return mapError(op, object, err)
		}
		stop := context.AfterFunc(ctx, func() { c.Close() })
		err = markBroken(c, fn(c))
		if !stop() {
			d.pool.put(c, true)
			return connectors.ContextError(ctx, op, object)
		}
		broken := isNetwork(err)
		d.pool.put(c, broken)
		if broken && attempt == 0 && retry != nil && retry() {
			d.log.Warn("connection broken; retrying on a new one", "error", mapError(op, object, err))
			continue
		}
		return mapError(op, object, err)
	}
}

// always is the retry policy of reads.
func always() bool { return true }
