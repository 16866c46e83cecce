package adsync

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestGroupSAM(t *testing.T) {
	for _, c := range []struct{ name, dn, want string }{
		{"Lærere", "CN=Lærere,OU=G,DC=x", "Lærere"},
		{"Nye lærere", "CN=Nye lærere,OU=G,DC=x", "Nye-lærere-"},
		{"a/b\\c[d]:e;f|g=h,i+j*k?l<m>n\"o", "CN=x,DC=x", "a-b-c-d--e-f-g-h-i-j-k-l-m-n-o-"},
		{strings.Repeat("æ", 40), "CN=y,DC=x", strings.Repeat("æ", 27) + "-"},
		{"///", "CN=z,DC=x", "group-"},
	} {
		got := groupSAM(c.name, c.dn)
		if !strings.HasPrefix(got, c.want) {
			t.Errorf("groupSAM(%q) = %q, want it to start %q", c.name, got, c.want)
		}
	}
	if groupSAM("Nye lærere", "CN=Nye lærere,OU=A,DC=x") == groupSAM("Nye lærere", "CN=Nye lærere,OU=B,DC=x") {
		t.Error("two groups whose names had to change get the same sAMAccountName")
	}
}

// Any group name gives a sAMAccountName AD takes: at most 64 bytes of
// UTF-8, none of the characters it forbids, not empty, the same every
// time.
func FuzzGroupSAM(f *testing.F) {
	for _, s := range []string{"Lærere", "Alle ansatte", "a/b", "", "\x00", strings.Repeat("ø", 100), "grp\u200b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		dn := "CN=" + name + ",OU=G,DC=x"
		got := groupSAM(name, dn)
		if got == "" || len(got) > 64 || !utf8.ValidString(got) {
			t.Fatalf("groupSAM(%q) = %q", name, got)
		}
		if strings.ContainsAny(got, "\"/\\[]:;|=,+*?<> ") {
			t.Fatalf("groupSAM(%q) = %q holds a character AD forbids", name, got)
		}
		for _, r := range got {
			if r < 0x20 {
				t.Fatalf("groupSAM(%q) = %q holds a control character", name, got)
			}
		}
		if again := groupSAM(name, dn); again != got {
			t.Fatalf("not the same twice: %q, %q", got, again)
		}
	})
}
