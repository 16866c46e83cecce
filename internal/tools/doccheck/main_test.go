package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	dir := t.TempDir()
	write := func(name, src string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("a.go", `// Package a is documented in the wrong file.
package a

func Undocumented() {}

// Documented is fine.
func Documented() {}

// T is fine, its field F is not.
type T struct {
	F int
	G int // G is fine.
	h int
}

func (T) M() {}

// I is fine, its method N is not.
type I interface{ N() }

const (
	// C is fine.
	C = 1
	D = 2
)
`)
	problems, err := check(dir)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(problems, "\n")
	for _, want := range []string{
		"package a has no doc.go", "the package comment belongs in doc.go",
		"Undocumented has no doc comment", "T.F has no doc comment", "M has no doc comment",
		"I.N has no doc comment", "D has no doc comment",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in:\n%s", want, got)
		}
	}
	for _, clean := range []string{"Documented has", "T.G", "T.h", "C has"} {
		if strings.Contains(got, clean) {
			t.Errorf("%q reported in:\n%s", clean, got)
		}
	}
}
