package ad

import (
	"context"
	"crypto/tls"
	"net"

	"github.com/go-ldap/ldap/v3"
)

// dial opens and binds one connection: TCP, then TLS (LDAPS, or StartTLS
// unless plain LDAP is configured), then a simple bind. Every step is bound
// to ctx: a server that accepts the connection and then says nothing cannot
// hang the caller.
func dial(ctx context.Context, ep endpoint, user, password string) (*ldap.Conn, error) {
	raw, err := (&net.Dialer{}).DialContext(ctx, "tcp", ep.addr)
	if err != nil {
		return nil, err
	}
	// Until the bind is done, an ended context closes the socket, which
	// ends whatever step is waiting on it.
	stop := context.AfterFunc(ctx, func() { raw.Close() })
	conn, err := handshake(ctx, raw, ep, user, password)
	if !stop() {
		if conn != nil {
			conn.Close()
		}
		return nil, ctx.Err()
	}
	if err != nil {
		raw.Close()
		return nil, err
	}
	return conn, nil
}

func handshake(ctx context.Context, raw net.Conn, ep endpoint, user, password string) (*ldap.Conn, error) {
	var conn *ldap.Conn
	if ep.scheme == "ldaps" {
		tc := tls.Client(raw, ep.tls)
		if err := tc.HandshakeContext(ctx); err != nil {
			return nil, err
		}
		conn = ldap.NewConn(tc, true)
		conn.Start()
	} else {
		conn = ldap.NewConn(raw, false)
		conn.Start()
		if !ep.plain {
			if err := conn.StartTLS(ep.tls); err != nil {
				err = markBroken(conn, err)
				conn.Close()
				return nil, err
			}
		}
	}
	if err := conn.Bind(user, password); err != nil {
		err = markBroken(conn, err)
		conn.Close()
		return nil, err
	}
	return conn, nil
}
