package browsertest

import (
	"fmt"
	"os"
	"testing"
)

func TestMain(m *testing.M) {
	var err error
	if trustedCert, err = selfSigned(); err == nil {
		err = Trust(trustedCert.Leaf)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(Main(m))
}
