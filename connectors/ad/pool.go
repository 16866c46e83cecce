package ad

import (
	"context"
	"sync"
	"time"

	"github.com/go-ldap/ldap/v3"
)

// pool holds up to max bound connections. A connection serves one
// operation at a time, because a paged search's cookie belongs to the
// connection it started on.
type pool struct {
	dial        func(context.Context) (*ldap.Conn, error)
	slots       chan struct{} // a token for each open connection
	idle        chan idleConn // open connections not in use
	idleTimeout time.Duration

	mu     sync.Mutex // guards closed against put
	closed bool
}

type idleConn struct {
	conn  *ldap.Conn
	since time.Time
}

func newPool(max int, idleTimeout time.Duration, dial func(context.Context) (*ldap.Conn, error)) *pool {
	return &pool{
		dial:        dial,
		slots:       make(chan struct{}, max),
		idle:        make(chan idleConn, max),
		idleTimeout: idleTimeout,
	}
}

// get returns an idle connection that is still good, or dials a new one if
// fewer than max are open, or waits until one is returned.
func (p *pool) get(ctx context.Context) (*ldap.Conn, error) {
	for {
		select {
		case ic := <-p.idle:
			if c, ok := p.usable(ic); ok {
				return c, nil
			}
			continue
		default:
		}
		select {
		case ic := <-p.idle:
			if c, ok := p.usable(ic); ok {
				return c, nil
			}
		case p.slots <- struct{}{}:
			c, err := p.dial(ctx)
			if err != nil {
				<-p.slots
				return nil, err
			}
			return c, nil
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// usable reports whether an idle connection can serve: not closed by the
// server or the network, and not idle so long that the server may have
// dropped it without a word. An unusable one is closed.
func (p *pool) usable(ic idleConn) (*ldap.Conn, bool) {
	if ic.conn.IsClosing() || time.Since(ic.since) > p.idleTimeout {
		ic.conn.Close()
		<-p.slots
		return nil, false
	}
	return ic.conn, true
}

// put returns a connection to the pool; a broken one is closed instead.
func (p *pool) put(c *ldap.Conn, broken bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if broken || p.closed || c.IsClosing() {
		c.Close()
		<-p.slots
		return
	}
	p.idle <- idleConn{c, time.Now()} // never blocks: at most max are open
}

// close closes the idle connections; connections in use are closed when
// they are put back.
func (p *pool) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.closed = true
	for {
		select {
		case ic := <-p.idle:
			ic.conn.Close()
			<-p.slots
		default:
			return
		}
	}
}
