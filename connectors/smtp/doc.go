// Package smtp is the mail connector for an SMTP server: a
// connectors.Mailer over github.com/wneessen/go-mail.
//
//	m, err := smtp.Open(smtp.Config{Host: "smtp.kommune.dk", Username: "orgsync", Password: pw, From: …})
//	err = m.Send(ctx, &connectors.Message{Key: "hire/…", To: …, Subject: "Ny medarbejder", Text: …})
//
// TLS is required by default: STARTTLS on the submission port (587), and
// a server that does not offer it is refused (a downgrade). Implicit TLS
// (port 465) is TLS: "implicit"; plain SMTP only with TLS: "none", said
// explicitly, for a relay on the same host. Certificates are checked
// against the system's roots, or a CA file. AUTH PLAIN or LOGIN, with the
// password from a file or the environment (never the configuration).
// Connecting and sending have deadlines, and the connection is kept open
// between messages, so a batch pays for one handshake.
//
// Each message's key becomes its Message-ID (a hash of the key at the
// configured domain), so a message sent again after a lost reply is the
// same message to whoever looks. Errors have the connectors kinds: a 4xx
// reply, a refused or dropped connection or an ended context is
// Transient; a 5xx reply is Constraint with the server's reply in Code and
// the message; refused credentials, a missing STARTTLS or an untrusted
// certificate are Configuration; a malformed message is Invalid and
// nothing is sent.
//
// What it must not do: decide what to send or to whom (the outbox and the
// notification rules do), log or return a password, or send a message
// that connectors.CheckMessage refuses.
package smtp
