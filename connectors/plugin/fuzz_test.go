package plugin

import (
	"bytes"
	"io"
	"testing"

	"google.golang.org/protobuf/proto"

	pb "github.com/orgsync/orgsync/connectors/plugin/internal/pluginpb"
)

// Whatever bytes a plugin sends as a payroll chunk, the host decodes them
// into records that hold a day each, or refuses them; it never panics.
func FuzzPayrollChunk(f *testing.F) {
	col := func(ss ...string) *pb.Strings {
		c := &pb.Strings{}
		for _, s := range ss {
			put(c, s)
		}
		return c
	}
	for _, ch := range []*pb.PayrollChunk{
		{Units: unitColumns(1, 50), Last: true, Token: "t"},
		{Counts: []uint32{1, 1, 1, 0, 1}, Persons: &pb.PayrollPersons{Key: col("P1"), NationalId: col("0101901234"), GivenNames: col("Anna"), Surname: col("Ærø"), ValidFrom: []int32{1}, ValidTo: []int32{2147483647}}},
		{Engagements: &pb.PayrollEngagements{Key: col("1", "2"), Person: col("P1", "P1"), Unit: col("U1", "U1"), JobFunction: col("", "x"), Type: col("", ""), Fraction: []float64{1, 0.5}, ValidFrom: []int32{1, 5}, ValidTo: []int32{5, 9}}},
		{Deleted: []*pb.PayrollRef{{Kind: 2, Key: "P9"}}, More: true, Token: "x", Last: true},
		{Counts: []uint32{0, 0, 0, 0, 1, 2}, Managers: &pb.PayrollManagers{Key: col("1", "M"), Unit: col("U1", "U2"), Person: col("P1", "P2"), Engagement: col("1", ""),
			Type: col("Leder", ""), Level: col("1.02", ""), ValidFrom: []int32{1, 5}, ValidTo: []int32{5, 9}}, DeletedManagers: []string{"M9"}, Last: true},
	} {
		b, err := proto.Marshal(ch)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var ch pb.PayrollChunk
		if proto.Unmarshal(b, &ch) != nil {
			return
		}
		c := &payrollCollector{op: "fuzz"}
		if err := c.add(&ch); err != nil {
			return
		}
		for _, u := range c.units {
			if u.Valid.Validate() != nil {
				t.Fatalf("unit %q with days %v", u.Key, u.Valid)
			}
		}
		for _, p := range c.persons {
			if p.Valid.Validate() != nil {
				t.Fatalf("person with days %v", p.Valid)
			}
		}
		for _, e := range c.engs {
			if e.Valid.Validate() != nil {
				t.Fatalf("engagement with days %v", e.Valid)
			}
		}
		for _, m := range c.managers {
			if m.Valid.Validate() != nil {
				t.Fatalf("manager %q with days %v", m.Key, m.Valid)
			}
		}
		for _, d := range c.deleted {
			if !d.Kind.Valid() {
				t.Fatalf("deletion of kind %d", d.Kind)
			}
		}
	})
}

// Whatever a plugin writes to stderr reaches the host's log reader whole,
// line by line, and no line is left that would crash go-plugin's parser.
func FuzzStderr(f *testing.F) {
	f.Add([]byte("{\"@message\": 5}\nplain\n"))
	f.Add([]byte(`{"@level":"info","@message":"ok","@timestamp":"2026-11-23T00:00:00.000000Z"}` + "\n"))
	f.Add([]byte("{\"@timestamp\": [], \"@message\": \"x\"}"))
	f.Fuzz(func(t *testing.T, in []byte) {
		pr, pw := io.Pipe()
		tail := &tailBuffer{}
		go sanitizeStderr(bytes.NewReader(in), pw, tail)
		out, err := io.ReadAll(pr)
		if err != nil && err != io.EOF {
			t.Fatal(err)
		}
		if !bytes.Contains(out, bytes.TrimSuffix(in, []byte("\n"))) && len(in) < 64<<10 && !bytes.Contains(in, []byte("\n")) {
			t.Fatalf("the line %q was changed to %q", in, out)
		}
		for _, line := range bytes.Split(out, []byte("\n")) {
			if suspicious(line) {
				t.Fatalf("a line that would crash go-plugin's reader passed: %q", line)
			}
		}
	})
}
