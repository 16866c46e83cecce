package main

import (
	"os"
	"path/filepath"
	"runtime"
)

// sampleSync reads the sample sync configuration from the repository
// (examples/orgsync/testdata/sync/sync.yaml), found beside this source
// file's folder or below the working directory.
func sampleSync() (string, error) {
	candidates := []string{filepath.Join("examples", "orgsync", "testdata", "sync", "sync.yaml")}
	if _, file, _, ok := runtime.Caller(0); ok {
		candidates = append(candidates, filepath.Join(filepath.Dir(file), "..", "orgsync", "testdata", "sync", "sync.yaml"))
	}
	var err error
	for _, c := range candidates {
		var b []byte
		if b, err = os.ReadFile(c); err == nil {
			return string(b), nil
		}
	}
	return "", err
}
