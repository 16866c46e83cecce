package smtptest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// User and Password are the credentials the server accepts.
const (
	User     = "orgsync@kommune.test"
	Password = "Hemmeligt-Kodeord-1"
)

// Options configure a server.
type Options struct {
	// NoSTARTTLS makes the submission listener offer no STARTTLS, as a
	// server stripped by a downgrade attack would.
	NoSTARTTLS bool
	// NoAuth makes the server accept mail without AUTH.
	NoAuth bool
}

// Received is a message the server accepted.
type Received struct {
	// From is the envelope sender (MAIL FROM).
	From string
	// To are the envelope recipients (RCPT TO).
	To []string
	// Data is the message as received.
	Data []byte
	// TLS says the session was encrypted.
	TLS bool
	// User is who authenticated ("" for none).
	User string
}

// Refusal scripts one refusal: at Stage ("mail", "rcpt" or "data") the
// server replies Code (421, 450, 550, …) with Message.
type Refusal struct {
	// Stage is "mail", "rcpt" or "data".
	Stage string
	// Code is the reply code.
	Code int
	// Message is the reply's text.
	Message string
}

// Server is a running SMTP server.
type Server struct {
	// Addr is the submission listener (STARTTLS), TLSAddr the implicit
	// TLS one, as host:port on 127.0.0.1.
	Addr, TLSAddr string
	// RootCAs trusts the server's certificate.
	RootCAs *x509.CertPool
	// CAFile is the same CA as a PEM file.
	CAFile string

	opts     Options
	cert     tls.Certificate
	mu       sync.Mutex
	received []Received
	refuse   []Refusal
	conns    map[string]bool // client addresses seen
	servers  []*smtp.Server
}

// Start starts a server for the test, stopped when the test ends.
func Start(tb testing.TB, opts Options) *Server {
	tb.Helper()
	s := &Server{opts: opts}
	if err := s.makeCerts(tb.TempDir()); err != nil {
		tb.Fatal(err)
	}
	if err := s.listen("127.0.0.1:0", "127.0.0.1:0"); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(s.Stop)
	return s
}

func (s *Server) listen(addr, tlsAddr string) error {
	plain, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	implicit, err := net.Listen("tcp", tlsAddr)
	if err != nil {
		plain.Close()
		return err
	}
	s.Addr, s.TLSAddr = plain.Addr().String(), implicit.Addr().String()
	tlsConfig := &tls.Config{Certificates: []tls.Certificate{s.cert}, MinVersion: tls.VersionTLS12}
	newServer := func(starttls bool) *smtp.Server {
		srv := smtp.NewServer(&backend{s: s})
		srv.Domain = "smtp.kommune.test"
		srv.MaxMessageBytes = 30 << 20
		srv.MaxRecipients = 200
		srv.EnableSMTPUTF8 = true
		srv.ReadTimeout, srv.WriteTimeout = 30*time.Second, 30*time.Second
		srv.ErrorLog = discard{}
		if starttls {
			srv.TLSConfig = tlsConfig
		}
		return srv
	}
	sub := newServer(!s.opts.NoSTARTTLS)
	imp := newServer(false)
	s.mu.Lock()
	s.servers = []*smtp.Server{sub, imp}
	s.mu.Unlock()
	go sub.Serve(plain)
	go imp.Serve(tls.NewListener(implicit, tlsConfig))
	return nil
}

// Stop stops the server; connections are closed.
func (s *Server) Stop() {
	s.mu.Lock()
	servers := s.servers
	s.servers = nil
	s.mu.Unlock()
	for _, srv := range servers {
		srv.Close()
	}
}

// Restart starts a stopped server again on the same ports.
func (s *Server) Restart() error {
	s.Stop()
	var err error
	for range 50 { // the ports may linger a moment after Close
		if err = s.listen(s.Addr, s.TLSAddr); err == nil {
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	return err
}

// Refuse scripts refusals, used in order, one per matching command.
func (s *Server) Refuse(r ...Refusal) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refuse = append(s.refuse, r...)
}

// Received returns the messages accepted so far, oldest first.
func (s *Server) Received() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Received(nil), s.received...)
}

// Connections returns how many connections clients have opened.
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.conns)
}

// refusal returns the next scripted refusal for stage, if any.
func (s *Server) refusal(stage string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.refuse) == 0 || s.refuse[0].Stage != stage {
		return nil
	}
	r := s.refuse[0]
	s.refuse = s.refuse[1:]
	enh := smtp.EnhancedCode{4, 0, 0}
	if r.Code >= 500 {
		enh = smtp.EnhancedCode{5, 0, 0}
	}
	return &smtp.SMTPError{Code: r.Code, EnhancedCode: enh, Message: r.Message}
}

type backend struct{ s *Server }

func (b *backend) NewSession(c *smtp.Conn) (smtp.Session, error) {
	// go-smtp makes a new session after STARTTLS: count connections by
	// the client's address.
	b.s.mu.Lock()
	if b.s.conns == nil {
		b.s.conns = map[string]bool{}
	}
	b.s.conns[c.Conn().RemoteAddr().String()] = true
	b.s.mu.Unlock()
	_, isTLS := c.TLSConnectionState()
	return &session{s: b.s, conn: c, tls: isTLS}, nil
}

type session struct {
	s    *Server
	conn *smtp.Conn
	tls  bool
	user string
	msg  Received
}

func (x *session) authed() error {
	if x.s.opts.NoAuth || x.user != "" {
		return nil
	}
	return smtp.ErrAuthRequired
}

func (x *session) AuthMechanisms() []string { return []string{sasl.Plain, sasl.Login} }

func (x *session) Auth(mech string) (sasl.Server, error) {
	check := func(user, pass string) error {
		if user != User || pass != Password {
			return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "Authentication credentials invalid"}
		}
		x.user = user
		return nil
	}
	switch mech {
	case sasl.Plain:
		return sasl.NewPlainServer(func(_, user, pass string) error { return check(user, pass) }), nil
	case sasl.Login:
		return &loginServer{check: check}, nil
	}
	return nil, smtp.ErrAuthUnknownMechanism
}

func (x *session) Mail(from string, _ *smtp.MailOptions) error {
	if err := x.authed(); err != nil {
		return err
	}
	if err := x.s.refusal("mail"); err != nil {
		return err
	}
	_, isTLS := x.conn.TLSConnectionState()
	x.msg = Received{From: from, TLS: isTLS || x.tls, User: x.user}
	return nil
}

func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if err := x.s.refusal("rcpt"); err != nil {
		return err
	}
	x.msg.To = append(x.msg.To, to)
	return nil
}

func (x *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if err := x.s.refusal("data"); err != nil {
		return err
	}
	x.msg.Data = b
	x.s.mu.Lock()
	x.s.received = append(x.s.received, x.msg)
	x.s.mu.Unlock()
	return nil
}

func (x *session) Reset()        { x.msg = Received{} }
func (x *session) Logout() error { return nil }

// loginServer is the LOGIN mechanism's server side (go-sasl has only the
// client): a username, then a password.
type loginServer struct {
	check func(user, pass string) error
	step  int
	user  string
}

func (l *loginServer) Next(response []byte) ([]byte, bool, error) {
	switch l.step {
	case 0:
		l.step++
		if len(response) > 0 { // the username sent with AUTH LOGIN
			l.user, l.step = string(response), 2
			return []byte("Password:"), false, nil
		}
		return []byte("Username:"), false, nil
	case 1:
		l.user, l.step = string(response), 2
		return []byte("Password:"), false, nil
	}
	return nil, true, l.check(l.user, string(response))
}

type discard struct{}

func (discard) Printf(string, ...any) {}
func (discard) Println(...any)        {}

// makeCerts makes a CA and the server's certificate for 127.0.0.1 and
// localhost.
func (s *Server) makeCerts(dir string) error {
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	now := time.Now()
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "orgsync smtptest CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		return err
	}
	ca, _ := x509.ParseCertificate(caDER)
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "smtp.kommune.test"},
		DNSNames: []string{"localhost", "smtp.kommune.test"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		return err
	}
	s.cert = tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
	s.RootCAs = x509.NewCertPool()
	s.RootCAs.AddCert(ca)
	s.CAFile = filepath.Join(dir, "smtptest-ca.pem")
	if err := os.WriteFile(s.CAFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}), 0o644); err != nil {
		return err
	}
	return nil
}
