package yamlpos

import (
	"testing"

	"go.yaml.in/yaml/v3"
)

func TestLine(t *testing.T) {
	const doc = "zone: Europe/Copenhagen\nsync:\n  base: OU=x\nsources:\n  - name: sd\n    every: 1h\n  - name: omada\n"
	var root yaml.Node
	if err := yaml.Unmarshal([]byte(doc), &root); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]int{
		"zone": 1, "sync.base": 3, "sources.0.every": 6, "sources.1.name": 7,
		"sources.1.every": 7, // the deepest part there is
		"nothing":         0, "": 0, "sources.9": 4,
	} {
		if got := Line(&root, path); got != want {
			t.Errorf("Line(%q) = %d, want %d", path, got, want)
		}
	}
	if Line(nil, "zone") != 0 {
		t.Error("a nil document has no lines")
	}
}
