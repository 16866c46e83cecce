package plugintest

import (
	"errors"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sync"
	"testing"
)

var built struct {
	sync.Mutex
	paths map[string]string
	errs  map[string]error
}

// Build builds the plugin package pkg ("github.com/orgsync/orgsync/examples/plugins/opus")
// the first time it is asked for and returns the binary's path, failing
// the test if it does not build.
func Build(t testing.TB, pkg string) string {
	t.Helper()
	built.Lock()
	defer built.Unlock()
	if built.paths == nil {
		built.paths, built.errs = map[string]string{}, map[string]error{}
	}
	if p, ok := built.paths[pkg]; ok {
		if err := built.errs[pkg]; err != nil {
			t.Fatal(err)
		}
		return p
	}
	p, err := build(pkg)
	built.paths[pkg], built.errs[pkg] = p, err
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func build(pkg string) (string, error) {
	goCmd, err := exec.LookPath("go")
	if err != nil {
		return "", err
	}
	dir, err := os.MkdirTemp("", path.Base(pkg)+"-test-")
	if err != nil {
		return "", err
	}
	p := filepath.Join(dir, path.Base(pkg))
	if out, err := exec.Command(goCmd, "build", "-o", p, pkg).CombinedOutput(); err != nil {
		return "", errors.New("go build: " + err.Error() + "\n" + string(out))
	}
	return p, nil
}

// Cleanup removes the binaries Build made; call it from TestMain after
// m.Run.
func Cleanup() {
	built.Lock()
	defer built.Unlock()
	for _, p := range built.paths {
		if p != "" {
			os.RemoveAll(filepath.Dir(p))
		}
	}
}
