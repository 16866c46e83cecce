package main

import (
	"errors"
	"flag"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/connectors"
)

func TestOpen(t *testing.T) {
	flagDir, envDir := t.TempDir(), t.TempDir()
	getenv := func(k string) string {
		if k == dirEnv {
			return envDir
		}
		return ""
	}
	c, err := open([]string{"-dir", flagDir}, getenv)
	require.NoError(t, err)
	assert.Equal(t, flagDir, c.Dir(), "the flag wins")
	c, err = open(nil, getenv)
	require.NoError(t, err)
	assert.Equal(t, envDir, c.Dir())

	none := func(string) string { return "" }
	_, err = open(nil, none)
	assert.EqualError(t, err, "no folder: give -dir DIR or set ORGSYNC_PAYROLL_DIR")
	_, err = open([]string{"-dir", filepath.Join(flagDir, "missing")}, none)
	assert.ErrorIs(t, err, connectors.Configuration)
	_, err = open([]string{"-dir", flagDir, "more"}, none)
	assert.EqualError(t, err, `unexpected argument "more"`)
	_, err = open([]string{"-folder", flagDir}, none)
	assert.EqualError(t, err, "flag provided but not defined: -folder")
	_, err = open([]string{"-h"}, none)
	assert.True(t, errors.Is(err, flag.ErrHelp))
}
