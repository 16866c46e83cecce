package main

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/orgsync/orgsync/username"
)

// nameRule is the name-splitting rule, as the usage and the README give it.
const nameRule = `Each argument is one person's full name. The last word is the surname
("Jens Peter Hansen"), unless the name holds a comma, which puts the surname
first ("Hansen, Jens Peter"), or a | between the given names and a surname of
several words ("Jens Peter|van der Berg"). A name of one word is a surname.`

// The errors of an argument the rule cannot split.
var (
	errTwoSeparators = errors.New("the name has more than one comma or |")
	errEmptySide     = errors.New("the name has nothing before or after its comma or |")
)

// splitName cuts a full name into given names and surname by nameRule,
// and collapses runs of white space.
func splitName(full string) (username.Name, error) {
	clean := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	if strings.Count(full, "|")+strings.Count(full, ",") > 1 {
		return username.Name{}, errTwoSeparators
	}
	for _, sep := range []string{"|", ","} {
		first, second, ok := strings.Cut(full, sep)
		if !ok {
			continue
		}
		if clean(first) == "" || clean(second) == "" {
			return username.Name{}, errEmptySide
		}
		if sep == "|" {
			return username.Name{GivenNames: clean(first), Surname: clean(second)}, nil
		}
		return username.Name{GivenNames: clean(second), Surname: clean(first)}, nil
	}
	words := strings.Fields(full)
	if len(words) == 0 {
		return username.Name{}, nil // the generator says it is empty
	}
	return username.Name{GivenNames: strings.Join(words[:len(words)-1], " "), Surname: words[len(words)-1]}, nil
}

// readTaken loads a taken file into idx: one name a line, trimmed; blank
// lines and lines starting with # are skipped; an address counts by the
// part before its @. Each name's holder is the file's base name and the
// line number, which keeps it short enough to be shown whole.
func readTaken(idx *username.Index, path string) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	base := filepath.Base(path)
	n, line := 0, 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line++
		name := strings.TrimSpace(sc.Text())
		if name == "" || strings.HasPrefix(name, "#") {
			continue
		}
		if local, _, ok := strings.Cut(name, "@"); ok {
			name = local
		}
		if name == "" || strings.ContainsFunc(name, func(r rune) bool { return r <= ' ' }) {
			return n, fmt.Errorf("%s:%d: not a name (one word, or an address)", path, line)
		}
		idx.Add(name, username.Holding{Where: username.InList, Holder: base + ":" + strconv.Itoa(line)})
		n++
	}
	if err := sc.Err(); err != nil {
		return n, fmt.Errorf("%s: %w", path, err)
	}
	return n, nil
}
