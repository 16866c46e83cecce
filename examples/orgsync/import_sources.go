package main

import "path/filepath"

// The kinds of source `orgsync import` reads, and how each connector is
// opened from the configuration's connector section, are the service's
// (service.OpenSource): the import command and `orgsync serve` read a
// source the same way.

// relativeTo resolves path against the configuration file's folder.
func relativeTo(dir, path string) string {
	if path == "" || filepath.IsAbs(path) {
		return path
	}
	return filepath.Join(dir, path)
}
