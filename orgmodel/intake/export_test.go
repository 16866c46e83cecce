package intake_test

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/connectors"
	om "github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/intake"
	"github.com/orgsync/orgsync/orgmodel/synth"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// payrollPart returns the snapshot's units, persons and engagements as
// payroll data holds them: without nicknames, which a payroll record has
// no field for.
func payrollPart(snap om.Snapshot) []om.Object {
	var out []om.Object
	for _, o := range snap.Objects {
		switch o.Kind {
		case om.KindUnit, om.KindEngagement:
			out = append(out, o)
		case om.KindPerson:
			spans := o.Timeline.Spans()
			for i := range spans {
				p := spans[i].Value.(om.PersonAttrs)
				p.NicknameGivenNames, p.NicknameSurname = "", ""
				spans[i].Value = p
			}
			o.Timeline = timeline.MustNew(spans...)
			out = append(out, o)
		}
	}
	return out
}

func TestExportRoundTripsTheSyntheticMunicipality(t *testing.T) {
	mu, err := synth.Generate(synth.Small(today))
	require.NoError(t, err)
	exp, err := intake.ExportPayroll(mu.Payroll)
	require.NoError(t, err)
	require.NoError(t, connectors.CheckPayroll(exp), "what it writes is what a payroll connector may deliver")
	assert.Len(t, exp.Units, 30)
	assert.Len(t, exp.Persons, 200)
	assert.Len(t, exp.Engagements, 240, "manager roles and associations are not payroll data")
	assert.Empty(t, exp.Leaves)

	back, err := intake.Payroll(synth.PayrollSource, exp, intake.PayrollOptions{})
	require.NoError(t, err)
	want := payrollPart(mu.Payroll)
	require.Len(t, back.Objects, len(want))
	assert.Equal(t, want, back.Objects, "same ids, keys and timelines")

	// Nicknames are the one thing lost, and synth has some.
	nicknames := 0
	for _, o := range mu.Payroll.Objects {
		if p, ok := o.Timeline.Span(0).Value.(om.PersonAttrs); ok && p.NicknameGivenNames+p.NicknameSurname != "" {
			nicknames++
		}
	}
	assert.Positive(t, nicknames)

	// And the model the round trip loads is the one synth's snapshot
	// loads, up to nicknames: importing the original over it changes only
	// those persons.
	m := om.New(om.Options{})
	load(t, m, back)
	_, stats, err := om.Import(m.Latest(), mu.Payroll, om.ImportOptions{Today: today})
	require.NoError(t, err)
	assert.Equal(t, nicknames, stats.Updated)
}

func TestExportRoundTripsPayroll(t *testing.T) {
	s := payroll()
	snap, err := intake.Payroll(src, s, intake.PayrollOptions{})
	require.NoError(t, err)
	exp, err := intake.ExportPayroll(snap)
	require.NoError(t, err)
	assert.Equal(t, []connectors.PayrollLeave{{Key: "O1", Engagement: "10001", Type: "Barsel", Valid: between("2023-10-01", "2024-04-01")}}, exp.Leaves)
	assert.Equal(t, connectors.NationalID("0101901234"), exp.Persons[1].NationalID, "national ids in full, as ParseCPR reads them")
	again, err := intake.Payroll(src, exp, intake.PayrollOptions{})
	require.NoError(t, err)
	assert.Equal(t, snap, again)
}

func TestExportWritesTheSourcesPlacement(t *testing.T) {
	snap, err := intake.Payroll(src, payroll(), intake.PayrollOptions{})
	require.NoError(t, err)
	// A rule placed 10002 in U2 and marked it primary: payroll still
	// says U3, and knows nothing of primary.
	for i, o := range snap.Objects {
		if o.UserKey == "10002" {
			spans := o.Timeline.Spans()
			e := spans[0].Value.(om.EngagementAttrs)
			e.Unit, e.SourceUnit, e.PlacedBy, e.Primary, e.PrimaryBy = id(om.KindUnit, "U2"), e.Unit, "rules/coupling", true, "rules/primary"
			spans[0].Value = e
			snap.Objects[i].Timeline = timeline.MustNew(spans...)
		}
	}
	exp, err := intake.ExportPayroll(snap)
	require.NoError(t, err)
	assert.Equal(t, "U3", exp.Engagements[2].Unit)
}

func TestExportRefusesBadInput(t *testing.T) {
	tests := []struct {
		name   string
		change func(snap *om.Snapshot)
		kind   om.Kind
		field  string
		is     error
		has    string
	}{
		{"reference outside the snapshot", func(snap *om.Snapshot) { drop(snap, om.KindUnit, "U3") },
			om.KindEngagement, "Unit", intake.ErrReference, ""},
		{"reference to another kind", func(snap *om.Snapshot) {
			set(snap, om.KindUnit, "U3", func(a om.Attrs) om.Attrs {
				u := a.(om.UnitAttrs)
				u.Parent = id(om.KindPerson, "P1")
				return u
			})
		}, om.KindUnit, "Parent", intake.ErrReference, "is a person, not a unit"},
		{"person without a national id", func(snap *om.Snapshot) {
			set(snap, om.KindPerson, "P2", func(a om.Attrs) om.Attrs {
				p := a.(om.PersonAttrs)
				p.NationalID = om.CPR{}
				return p
			})
		}, om.KindPerson, "NationalID", intake.ErrNoNationalID, ""},
		{"key twice", func(snap *om.Snapshot) { key(snap, om.KindUnit, "U3", "U2") },
			om.KindUnit, "Key", intake.ErrDuplicateKey, ""},
		{"no key", func(snap *om.Snapshot) { key(snap, om.KindLeave, "O1", "") },
			om.KindLeave, "Key", nil, "empty"},
		{"a CPR as key is masked", func(snap *om.Snapshot) {
			key(snap, om.KindPerson, "P1", "0101901234")
			key(snap, om.KindPerson, "P2", "0101901234")
		}, om.KindPerson, "Key", intake.ErrDuplicateKey, `"010190-xxxx"`},
		{"employment number that is not the key", func(snap *om.Snapshot) {
			set(snap, om.KindEngagement, "10002", func(a om.Attrs) om.Attrs {
				e := a.(om.EngagementAttrs)
				e.EmploymentNumber = "20002"
				return e
			})
		}, om.KindEngagement, "Key", nil, "employment number"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			snap, err := intake.Payroll(src, payroll(), intake.PayrollOptions{})
			require.NoError(t, err)
			tc.change(&snap)
			exp, err := intake.ExportPayroll(snap)
			require.Error(t, err)
			assert.Nil(t, exp, "no half snapshot")
			found := false
			for _, p := range problems(err) {
				var ee *intake.ExportError
				require.ErrorAs(t, p, &ee, "every problem is typed: %v", p)
				if ee.Kind == tc.kind && ee.Field == tc.field {
					found = true
					assert.NotEqual(t, uuid.Nil, ee.ID)
					if tc.is != nil {
						assert.ErrorIs(t, p, tc.is)
					}
					assert.Contains(t, p.Error(), tc.has)
				}
			}
			assert.True(t, found, "no %s %s problem in\n%v", tc.kind, tc.field, err)
			assert.NotContains(t, err.Error(), "1234")
		})
	}

	// What the contract refuses beyond that is CheckPayroll's to report:
	// an engagement before its unit, say.
	snap, err := intake.Payroll(src, payroll(), intake.PayrollOptions{})
	require.NoError(t, err)
	for i, o := range snap.Objects {
		if o.UserKey == "U3" {
			snap.Objects[i].Timeline = timeline.Of[om.Attrs](since("2023-01-01"), o.Timeline.Span(0).Value)
		}
	}
	_, err = intake.ExportPayroll(snap)
	var re *connectors.RecordError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, "Unit", re.Field)
}

// drop removes the snapshot's object of the kind with the key.
func drop(snap *om.Snapshot, k om.Kind, userKey string) {
	out := snap.Objects[:0]
	for _, o := range snap.Objects {
		if o.Kind != k || o.UserKey != userKey {
			out = append(out, o)
		}
	}
	snap.Objects = out
}

// set changes every span of the snapshot's object of the kind with the
// key.
func set(snap *om.Snapshot, k om.Kind, userKey string, fn func(om.Attrs) om.Attrs) {
	for i, o := range snap.Objects {
		if o.Kind == k && o.UserKey == userKey {
			spans := o.Timeline.Spans()
			for j := range spans {
				spans[j].Value = fn(spans[j].Value)
			}
			snap.Objects[i].Timeline = timeline.MustNew(spans...)
		}
	}
}

// key gives the snapshot's object of the kind with the key another key.
func key(snap *om.Snapshot, k om.Kind, userKey, to string) {
	for i, o := range snap.Objects {
		if o.Kind == k && o.UserKey == userKey {
			snap.Objects[i].UserKey = to
		}
	}
}
