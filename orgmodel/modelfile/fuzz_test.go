package modelfile_test

import (
	"bytes"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/orgsync/orgsync/orgmodel/modelfile"
)

// FuzzRead checks that Read never panics, that what it refuses is a
// positioned *Error, and that what it accepts Write writes and Read reads
// back as it was, in the same bytes the second time.
func FuzzRead(f *testing.F) {
	sample, err := os.ReadFile("testdata/sample.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(sample)
	f.Add(sample[:len(sample)/2])
	f.Add(bytes.Replace(sample, []byte(`"to": "2023-01-01"`), []byte(`"to": "2019-01-01"`), 1))
	f.Add(bytes.Replace(sample, []byte(`"key:U2"`), []byte(`"key:U9"`), 1))
	f.Add(bytes.Replace(sample, []byte("Sjølund"), []byte("Sj\xf8lund"), 1))
	f.Add(bytes.Replace(sample, []byte("010190-1234"), []byte("320190-1234"), 1))
	f.Add(append([]byte("\xef\xbb\xbf"), sample...))
	f.Add([]byte(doc()))
	f.Add([]byte(doc(unit("U\\u0000", `, "parent": "key:U\u0000"`))))
	f.Add([]byte(doc(`{"kind": "manager", "key": "L", "history": [{"from": "2024-01-01", "to": null, "responsibilities": ["b", "a", "a", ""], "unit": "{5b1c3a3e-7f57-4f0e-9a3d-0d2f6f3b9c41}"}]}`)))
	f.Add([]byte(doc(`{"kind": "engagement", "key": "E", "history": [{"from": "0001-01-01", "to": "9998-12-31", "fraction": -0, "primary": false}]}`)))
	f.Fuzz(func(t *testing.T, data []byte) {
		snaps, err := modelfile.Read(bytes.NewReader(data))
		if err != nil {
			var e *modelfile.Error
			if !errors.As(err, &e) {
				t.Fatalf("not a *Error: %v", err)
			}
			if snaps != nil {
				t.Fatalf("refused, yet %d snapshots", len(snaps))
			}
			if e.Line < 1 || e.Column < 1 || !strings.HasPrefix(err.Error(), "modelfile: ") {
				t.Fatalf("badly placed: %#v: %v", e, err)
			}
			return
		}
		var out bytes.Buffer
		if err := modelfile.Write(&out, snaps...); err != nil {
			t.Fatalf("Write refuses what Read accepted: %v", err)
		}
		again, err := modelfile.Read(bytes.NewReader(out.Bytes()))
		if err != nil {
			t.Fatalf("Read refuses what Write wrote: %v\n%s", err, out.Bytes())
		}
		if !reflect.DeepEqual(snaps, again) {
			t.Fatalf("read back differently:\n%v\n%v", snaps, again)
		}
		var out2 bytes.Buffer
		if err := modelfile.Write(&out2, again...); err != nil || !bytes.Equal(out.Bytes(), out2.Bytes()) {
			t.Fatalf("written differently the second time (%v)", err)
		}
	})
}
