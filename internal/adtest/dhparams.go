package adtest

import (
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"math/big"
	"os"
)

// Without a DH parameters file, samba generates Diffie-Hellman parameters
// every time it starts (gnutls_dh_params_generate2), which takes from a
// fifth of a second to over a second: most of a warm start, and most of its
// variance. The harness gives it the fixed ffdhe2048 group of RFC 7919
// instead, computed rather than pasted, and checked to be prime.

// ffdhe2048 returns the RFC 7919 prime
// p = 2^2048 - 2^1984 + (floor(2^1918 * e) + 560316) * 2^64 - 1.
func ffdhe2048() *big.Int {
	// floor(2^1918 * e) from e = Σ 1/k!, in fixed point with guard bits.
	const guard = 64
	scale := new(big.Int).Lsh(big.NewInt(1), 1918+guard)
	sum, term := new(big.Int), new(big.Int).Set(scale)
	for k := int64(1); term.Sign() > 0; k++ {
		sum.Add(sum, term)
		term.Quo(term, big.NewInt(k))
	}
	sum.Rsh(sum, guard)

	p := new(big.Int).Lsh(big.NewInt(1), 2048)
	p.Sub(p, new(big.Int).Lsh(big.NewInt(1), 1984))
	sum.Add(sum, big.NewInt(560316))
	p.Add(p, sum.Lsh(sum, 64))
	return p.Sub(p, big.NewInt(1))
}

// writeDHParams writes the ffdhe2048 group (generator 2) as PKCS #3
// DHParameter PEM, which GnuTLS reads.
func writeDHParams(path string) error {
	p := ffdhe2048()
	if p.BitLen() != 2048 || !p.ProbablyPrime(20) {
		return errors.New("the computed ffdhe2048 prime is wrong")
	}
	der, err := asn1.Marshal(struct{ P, G *big.Int }{p, big.NewInt(2)})
	if err != nil {
		return err
	}
	return os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "DH PARAMETERS", Bytes: der}), 0o644)
}
