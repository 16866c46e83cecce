package strictyaml

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDecode(t *testing.T) {
	type config struct {
		URL   string `yaml:"url"`
		Pages int    `yaml:"pages"`
	}
	var c config
	require.NoError(t, Decode([]byte("url: ldaps://dc1\npages: 3\n"), &c))
	assert.Equal(t, config{URL: "ldaps://dc1", Pages: 3}, c)
	require.NoError(t, Decode([]byte(`{"url": "x"}`), &c), "JSON is YAML")

	for in, want := range map[string]string{
		"":                      "the file is empty",
		"urll: x\n":             "field urll not found",
		"url: x\n---\nurl: y\n": "more than one YAML document",
		"pages: many\n":         "cannot unmarshal",
		"url: [unclosed\n":      "did not find expected",
	} {
		err := Decode([]byte(in), &config{})
		require.Error(t, err, in)
		assert.Contains(t, err.Error(), want, in)
	}
}
