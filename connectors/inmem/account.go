package inmem

import (
	"context"
	"errors"
	"unicode"
	"unicode/utf8"

	"github.com/orgsync/orgsync/connectors"
)

// SetEnabled enables or disables an account.
func (d *Directory) SetEnabled(ctx context.Context, id connectors.ID, enabled bool) error {
	const op = "set enabled"
	d.mu.Lock()
	defer d.mu.Unlock()
	o, err := d.account(ctx, op, id)
	if err != nil {
		return err
	}
	if o.disabled == !enabled {
		return nil
	}
	o.disabled = !enabled
	d.recordChange(o, false)
	return nil
}

// SetPassword sets an account's password after checking it against AD's
// default policy.
func (d *Directory) SetPassword(ctx context.Context, id connectors.ID, password connectors.Secret) error {
	const op = "set password"
	if err := connectors.CheckPassword(password); err != nil {
		return err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	o, err := d.account(ctx, op, id)
	if err != nil {
		return err
	}
	if err := checkPassword(string(password)); err != nil {
		return &connectors.Error{Kind: connectors.Constraint, Op: op, Object: d.dnOf(o), Err: err}
	}
	o.password = true
	d.recordChange(o, false)
	return nil
}

// account finds the account with an id; the caller holds d.mu.
func (d *Directory) account(ctx context.Context, op string, id connectors.ID) (*object, error) {
	o, err := d.lookup(ctx, op, id)
	if err != nil {
		return nil, err
	}
	if !o.account {
		return nil, connectors.Errorf(connectors.Invalid, op, "%q is not an account", d.dnOf(o))
	}
	return o, nil
}

// The password policy of a new AD domain (and of Samba's): at least seven
// characters, from at least three of five classes.
const minPasswordLength = 7

var (
	errPasswordShort   = errors.New("the password is shorter than 7 characters")
	errPasswordComplex = errors.New("the password does not meet the complexity requirements (three of: upper case, lower case, digits, symbols, other letters)")
)

func checkPassword(pw string) error {
	if utf8.RuneCountInString(pw) < minPasswordLength {
		return errPasswordShort
	}
	var upper, lowerc, digit, symbol, other bool
	for _, r := range pw {
		switch {
		case unicode.IsUpper(r):
			upper = true
		case unicode.IsLower(r):
			lowerc = true
		case unicode.IsDigit(r):
			digit = true
		case unicode.IsLetter(r):
			other = true
		default:
			symbol = true
		}
	}
	classes := 0
	for _, b := range []bool{upper, lowerc, digit, symbol, other} {
		if b {
			classes++
		}
	}
	if classes < 3 {
		return errPasswordComplex
	}
	return nil
}
