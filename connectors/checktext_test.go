package connectors

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestCheckText(t *testing.T) {
	for in, want := range map[string]string{
		"Åse Ærø-Østergaard, 李小龙 (ext) \\<>;=*+\"": "",
		"abcdef":   "6 bytes; the most is 5",
		"a\x00b":   "holds the control character U+0000",
		"a\nb":     "holds the control character U+000A",
		"a\x7fb":   "holds the control character U+007F",
		"a\u0085b": "holds the control character U+0085",
		"\xc5berg": "not valid UTF-8",
		"ok\xff":   "not valid UTF-8",
	} {
		max := 5
		if want == "" {
			max = MaxFieldBytes
		}
		err := CheckText(in, max)
		if want == "" {
			assert.NoError(t, err, "%q", in)
			continue
		}
		assert.EqualError(t, err, want, "%q", in)
	}
	assert.True(t, errors.Is(CheckText("\xff", 5), ErrNotUTF8))
}
