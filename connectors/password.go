package connectors

import (
	"crypto/rand"
	"math/big"
)

// passwordSets are the characters of a random password: no letters or
// digits that read alike (I, l, O, 0, 1), one of each class first, so
// that AD's complexity rules accept it.
var passwordSets = [...]string{"ABCDEFGHJKLMNPQRSTUVWXYZ", "abcdefghijkmnopqrstuvwxyz", "23456789", "!#%+-=?@"}

// RandomPassword returns a password of length characters (at least 8),
// from crypto/rand, with an upper-case letter, a lower-case letter, a
// digit and a symbol in random places.
func RandomPassword(length int) Secret {
	length = max(length, 8)
	all := passwordSets[0] + passwordSets[1] + passwordSets[2] + passwordSets[3]
	b := make([]byte, 0, length)
	for _, set := range passwordSets {
		b = append(b, set[randN(len(set))])
	}
	for len(b) < length {
		b = append(b, all[randN(len(all))])
	}
	for i := len(b) - 1; i > 0; i-- { // Fisher–Yates, so the classes are not always first
		j := randN(i + 1)
		b[i], b[j] = b[j], b[i]
	}
	return Secret(b)
}

func randN(n int) int {
	v, err := rand.Int(rand.Reader, big.NewInt(int64(n)))
	if err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return int(v.Int64())
}
