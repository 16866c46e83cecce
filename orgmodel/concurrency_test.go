package orgmodel_test

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	om "github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/synth"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// Readers see whole registrations while a writer applies change sets; run
// with -race.
func TestReadersSeeWholeRegistrationsWhileWritersApply(t *testing.T) {
	f := newFixture(t)
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				v := f.m.Latest()
				g := v.At(d("2024-06-01"))
				// The writer renames A1 and A2 together; a view must
				// never show one renamed and not the other.
				a1, _ := g.Unit(f.a1)
				a2, _ := g.Unit(f.a2)
				if strings.TrimPrefix(a1.Name, "Afdeling A1") != strings.TrimPrefix(a2.Name, "Afdeling A2") {
					t.Errorf("half a registration: %q / %q", a1.Name, a2.Name)
					return
				}
				g.PersonManagers(f.emma)
				g.Subtree(f.kommune)
			}
		}()
	}
	for i := range 50 {
		var cs om.ChangeSet
		suffix := " v" + string(rune('a'+i%26))
		cs.Update(f.a1, timeline.Since(jan2024), om.UnitPatch{Name: new("Afdeling A1" + suffix)})
		cs.Update(f.a2, timeline.Since(jan2024), om.UnitPatch{Name: new("Afdeling A2" + suffix)})
		f.apply(t, &cs)
	}
	close(stop)
	wg.Wait()
}

// A graph remembers what it learned about units; its answers must be those
// of a fresh graph, and a graph shared by goroutines must agree with
// itself.
func TestAGraphsMemoAnswersLikeAFreshGraph(t *testing.T) {
	today := d("2026-11-22")
	mu, err := synth.Generate(synth.Small(today))
	require.NoError(t, err)
	m := om.New(om.Options{})
	require.NoError(t, mu.Load(ctx, m, time.Now()))
	shared := m.Latest().At(today)
	want := map[uuid.UUID][]om.Manager{}
	for _, p := range mu.Persons {
		want[p] = m.Latest().At(today).PersonManagers(p)
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, p := range mu.Persons {
				assert.Equal(t, want[p], shared.PersonManagers(p))
			}
		}()
	}
	wg.Wait()
	// Changing a returned slice must not change the graph's memory.
	for _, p := range mu.Persons {
		if got := shared.PersonManagers(p); len(got) > 0 {
			got[0].Person = uuid.Nil
			assert.Equal(t, want[p], shared.PersonManagers(p))
			break
		}
	}
}

func TestTheModelsZoneDecidesWhatDayItIs(t *testing.T) {
	sthlm, err := timeline.LoadZone("Europe/Stockholm")
	require.NoError(t, err)
	nuuk, err := timeline.LoadZone("America/Nuuk")
	require.NoError(t, err)
	// 23:30 UTC on 31 May is 1 June in Stockholm and still 31 May in Nuuk.
	now := time.Date(2024, 5, 31, 23, 30, 0, 0, time.UTC)
	for _, tc := range []struct {
		zone timeline.Zone
		want string
	}{{sthlm, "2024-06-01"}, {nuuk, "2024-05-31"}, {timeline.Zone{}, "2024-06-01"}} {
		m := om.New(om.Options{Zone: tc.zone})
		assert.Equal(t, tc.want, m.Latest().Today(now).Day().String(), tc.zone.String())
	}
}

func TestPlansNeverHoldANationalID(t *testing.T) {
	var cs om.ChangeSet
	cpr := om.MustParseCPR("0101901234", om.CPROptions{})
	id := cs.Add("", timeline.Since(jan2024), om.PersonAttrs{Surname: "X", NationalID: cpr})
	cs.Set(id, timeline.Since(jan2024), om.PersonAttrs{Surname: "Y", NationalID: cpr})
	cs.Update(id, timeline.Since(jan2024), om.PersonPatch{NationalID: &cpr})
	assert.NotContains(t, cs.String(), "1234")
	assert.NotContains(t, cs.String(), "010190")
}
