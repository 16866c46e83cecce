package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestSummarize(t *testing.T) {
	in := strings.Join([]string{
		`{"Action":"run","Package":"p","Test":"TestA"}`,
		`{"Action":"output","Package":"p","Test":"TestA","Output":"noise of a passing test\n"}`,
		`{"Action":"pass","Package":"p","Test":"TestA"}`,
		`{"Action":"output","Package":"p","Test":"TestB","Output":"adtest: Samba unavailable\n"}`,
		`{"Action":"skip","Package":"p","Test":"TestB"}`,
		`{"Action":"output","Package":"p","Test":"TestC","Output":"boom\n"}`,
		`{"Action":"fail","Package":"p","Test":"TestC"}`,
		`{"Action":"output","Package":"p","Output":"FAIL\tp\t0.1s\n"}`,
		`{"Action":"fail","Package":"p"}`,
		`# a build error, not JSON`,
	}, "\n")
	var out bytes.Buffer
	failed, skipped, err := summarize(strings.NewReader(in), &out)
	if err != nil {
		t.Fatal(err)
	}
	if !failed {
		t.Error("a failed test was not noticed")
	}
	if len(skipped) != 1 || skipped[0] != "p TestB" {
		t.Errorf("skipped = %q", skipped)
	}
	got := out.String()
	for _, want := range []string{"adtest: Samba unavailable", "boom", "FAIL\tp", "# a build error"} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "noise of a passing test") {
		t.Errorf("a passing test's output was printed:\n%s", got)
	}

	failed, skipped, _ = summarize(strings.NewReader(`{"Action":"pass","Package":"p","Test":"TestA"}`), &out)
	if failed || len(skipped) > 0 {
		t.Error("a clean run was not clean")
	}
}
