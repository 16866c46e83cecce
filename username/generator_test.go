package username_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/username"
)

var ctx = context.Background()

func gen(t testing.TB, cfg username.Config, taken ...username.Taken) *username.Generator {
	t.Helper()
	g, err := username.New(cfg, taken)
	require.NoError(t, err)
	return g
}

// all returns every username a config gives a name, in order, by taking
// each result and asking again.
func all(t *testing.T, cfg username.Config, name username.Name) []string {
	t.Helper()
	idx := username.NewIndex()
	g := gen(t, cfg, idx)
	var out []string
	for {
		r, err := g.Generate(ctx, username.Request{Name: name})
		if err != nil {
			return out
		}
		out = append(out, r.Username)
		idx.Add(r.Username, username.Holding{Where: username.InList})
		g.Release(r.Token)
	}
}

var jens = username.Name{GivenNames: "Jens Peter", Surname: "Hansen"}

func TestOS2moPatternSemantics(t *testing.T) {
	tests := []struct {
		name     string
		patterns []string
		person   username.Name
		want     []string
	}{
		{"runs take leading letters", []string{"FFLL"}, jens, []string{"jeha"}},
		{"middle names by number", []string{"F1LL"}, jens, []string{"jpha"}},
		{"a run restarts when the letter changes", []string{"FLF"}, jens, []string{"jhj"}},
		{"every X takes the same digit, 2 to 9", []string{"FLXX"}, jens, []string{"jh22", "jh33", "jh44", "jh55", "jh66", "jh77", "jh88", "jh99"}},
		{"all digits of a pattern before the next", []string{"FLX", "FFLX"}, jens, []string{"jh2", "jh3", "jh4", "jh5", "jh6", "jh7", "jh8", "jh9", "jeh2", "jeh3", "jeh4", "jeh5", "jeh6", "jeh7", "jeh8", "jeh9"}},
		{"a pattern without X gives one candidate", []string{"FFLL", "FFFLL"}, jens, []string{"jeha", "jenha"}},
		{"a missing middle name skips the pattern", []string{"F2LL", "FFLL"}, jens, []string{"jeha"}},
		{"a part too short skips the pattern", []string{"FFFFFL", "FLLLLLLL", "FL"}, jens, []string{"jh"}},
		{"a leading X", []string{"XFL"}, jens, []string{"2jh", "3jh", "4jh", "5jh", "6jh", "7jh", "8jh", "9jh"}},
		{"the surname is independent of middle names", []string{"F12L"}, username.Name{GivenNames: "Anne Sofie Marie", Surname: "Berg"}, []string{"asmb"}},
		{"Danish letters are transliterated first", []string{"FFFLLL"}, username.Name{GivenNames: "Søren", Surname: "Ærø"}, []string{"soeaer"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, all(t, username.Config{Patterns: tc.patterns, MinLength: 1}, tc.person))
		})
	}
}

func TestParsePatternRejectsBadPatterns(t *testing.T) {
	for _, p := range []string{"", "FQ", "f", "FL4", strings.Repeat("F", 65), "F L"} {
		_, err := username.ParsePattern(p)
		assert.Error(t, err, "%q", p)
	}
}

func TestSuffixStrategyAndLengthBounds(t *testing.T) {
	cfg := username.Config{Patterns: []string{"FLLLLLLLL"}, SuffixBase: "FFFLLL", SuffixMax: 4, MaxLength: 8}
	got := all(t, cfg, jens)
	assert.Equal(t, []string{"jenhan", "jenhan2", "jenhan3", "jenhan4"}, got, "FLLLLLLLL is too long for Hansen; the suffix base follows")
	cfg = username.Config{Patterns: []string{"FL", "FFLL"}, MinLength: 3}
	assert.Equal(t, []string{"jeha"}, all(t, cfg, jens), "too short")
	cfg = username.Config{Patterns: []string{"FFFLLLL"}, MaxLength: 6}
	assert.Empty(t, all(t, cfg, jens), "too long")
}

func TestForbiddenNames(t *testing.T) {
	cfg := username.Config{
		Patterns:            []string{"FFLL", "FFLLX", "LLL", "FLLL"},
		Forbidden:           []string{"JEHA"},
		ForbiddenSubstrings: []string{"ans"},
	}
	g := gen(t, cfg)
	r, err := g.Generate(ctx, username.Request{Name: jens, Explain: true})
	require.NoError(t, err)
	// jeha is forbidden, and so is jeha2…jeha9; han is fine; 'ans' is
	// nowhere in it.
	assert.Equal(t, "han", r.Username)
	require.Len(t, r.Rejected, 9)
	assert.Equal(t, "a forbidden name", r.Rejected[0].Reason)
	assert.Equal(t, "jeha2", r.Rejected[1].Candidate)

	// A substring anywhere rejects; the words are normalised first
	// ("ÅNS" forbids "aans", "Jéka" forbids "jeka").
	cfg = username.Config{Patterns: []string{"FLLLLL", "FFLL", "FFFLL"}, ForbiddenSubstrings: []string{"ÅNS"}, Forbidden: []string{"Jéka"}}
	r, err = gen(t, cfg).Generate(ctx, username.Request{Name: username.Name{GivenNames: "Jens", Surname: "Kaanstrup"}, Explain: true})
	require.NoError(t, err)
	assert.Equal(t, "jenka", r.Username)
	require.Len(t, r.Rejected, 2)
	assert.Equal(t, username.Rejection{For: "username", Candidate: "jkaans", Reason: "contains a forbidden word"}, r.Rejected[0])
	assert.Equal(t, username.Rejection{For: "username", Candidate: "jeka", Reason: "a forbidden name"}, r.Rejected[1])
}

func TestWindowsReservedNamesAreAlwaysForbidden(t *testing.T) {
	r, err := gen(t, username.Config{Patterns: []string{"FFF", "FFFL"}}).Generate(ctx, username.Request{Name: username.Name{GivenNames: "Con", Surname: "Nor"}, Explain: true})
	require.NoError(t, err)
	assert.Equal(t, "conn", r.Username)
	assert.Equal(t, []username.Rejection{{For: "username", Candidate: "con", Reason: "a name Windows reserves"}}, r.Rejected)
	// COM1–9 and LPT1–9 come from a digit pattern: com2 … com9 are all
	// reserved, so the next pattern is used.
	r, err = gen(t, username.Config{Patterns: []string{"FFFX", "FFFL"}}).Generate(ctx, username.Request{Name: username.Name{GivenNames: "Com", Surname: "Hansen"}, Explain: true})
	require.NoError(t, err)
	assert.Equal(t, "comh", r.Username)
	require.Len(t, r.Rejected, 8)
	for _, rj := range r.Rejected {
		assert.Equal(t, "a name Windows reserves", rj.Reason, rj.Candidate)
	}
}

func TestTakenNamesAndExplain(t *testing.T) {
	idx := username.NewIndex()
	idx.Add("jeha", username.Holding{Where: username.InSAMAccountName, Holder: "guid-1"})
	idx.Add("JEHA2", username.Holding{Where: username.InMail, Holder: "guid-2"})
	idx.Add("jeha3", username.Holding{Where: username.InProxyAddresses, Holder: "guid-3"})
	g := gen(t, username.Config{Patterns: []string{"FFLL", "FFLLX"}}, idx)
	r, err := g.Generate(ctx, username.Request{Name: jens, Explain: true})
	require.NoError(t, err)
	assert.Equal(t, "jeha4", r.Username)
	assert.Equal(t, []username.Rejection{
		{For: "username", Candidate: "jeha", Reason: "taken in sAMAccountName by guid-1"},
		{For: "username", Candidate: "jeha2", Reason: "taken in mail by guid-2"},
		{For: "username", Candidate: "jeha3", Reason: "taken in proxyAddresses by guid-3"},
	}, r.Rejected)
	// Deterministic: the same request and names give the same result.
	g.Release(r.Token)
	r2, err := g.Generate(ctx, username.Request{Name: jens})
	require.NoError(t, err)
	assert.Equal(t, r.Username, r2.Username)
	assert.Nil(t, r2.Rejected, "no explanation unless asked")
}

func TestReusePolicies(t *testing.T) {
	released := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	now := released.Add(100 * 24 * time.Hour)
	idx := username.NewIndex()
	idx.Add("jeha", username.Holding{Where: username.InHistory, Holder: "old-account", Person: "person-1", Released: released})
	cfg := func(p username.ReusePolicy, days int) username.Config {
		return username.Config{Patterns: []string{"FFLL", "FFLLX"}, Reuse: p, QuarantineDays: days}
	}
	tests := []struct {
		name   string
		cfg    username.Config
		person string
		want   string
	}{
		{"never: not even the same person", cfg(username.ReuseNever, 0), "person-1", "jeha2"},
		{"same person gets it back", cfg(username.ReuseSamePerson, 0), "person-1", "jeha"},
		{"another person does not", cfg(username.ReuseSamePerson, 0), "person-2", "jeha2"},
		{"quarantine not yet over", cfg(username.ReuseAfterQuarantine, 365), "person-2", "jeha2"},
		{"quarantine over", cfg(username.ReuseAfterQuarantine, 90), "person-2", "jeha"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g, err := username.New(tc.cfg, []username.Taken{idx}, username.WithClock(func() time.Time { return now }))
			require.NoError(t, err)
			r, err := g.Generate(ctx, username.Request{Name: jens, Person: tc.person})
			require.NoError(t, err)
			assert.Equal(t, tc.want, r.Username)
		})
	}
	// A live account blocks whatever the policy.
	idx.Add("jeha", username.Holding{Where: username.InSAMAccountName, Holder: "live", Person: "person-1"})
	r, err := gen(t, cfg(username.ReuseSamePerson, 0), idx).Generate(ctx, username.Request{Name: jens, Person: "person-1"})
	require.NoError(t, err)
	assert.Equal(t, "jeha2", r.Username)
}

func TestUPNAndMail(t *testing.T) {
	idx := username.NewIndex()
	idx.Add("jens.hansen", username.Holding{Where: username.InMail, Holder: "other"})
	cfg := username.Config{Patterns: []string{"FFLL"}, UPNDomain: "Kommune.DK", MailDomain: "kommune.dk"}
	r, err := gen(t, cfg, idx).Generate(ctx, username.Request{Name: jens, Explain: true})
	require.NoError(t, err)
	assert.Equal(t, "jeha", r.Username)
	assert.Equal(t, "jeha@kommune.dk", r.UPN)
	assert.Equal(t, "j.hansen@kommune.dk", r.Mail, "first.last is taken, f.last is next")
	assert.Contains(t, r.Rejected, username.Rejection{For: "e-mail", Candidate: "jens.hansen", Reason: "taken in mail by other"})

	// Middle initials, and numbering after the templates.
	cfg.MailTemplates = []string{"{first}.{m}.{last}"}
	idx.Add("jens.p.hansen", username.Holding{Where: username.InProxyAddresses})
	idx.Add("jens.p.hansen2", username.Holding{Where: username.InProxyAddresses})
	r, err = gen(t, cfg, idx).Generate(ctx, username.Request{Name: jens})
	require.NoError(t, err)
	assert.Equal(t, "jens.p.hansen3@kommune.dk", r.Mail)
	// No middle name: the empty {m} leaves no double dot.
	r, err = gen(t, cfg, idx).Generate(ctx, username.Request{Name: username.Name{GivenNames: "Bo", Surname: "Ek"}})
	require.NoError(t, err)
	assert.Equal(t, "bo.ek@kommune.dk", r.Mail)
}

func TestConfigValidation(t *testing.T) {
	for _, cfg := range []username.Config{
		{},
		{Patterns: []string{"FQ"}},
		{Patterns: []string{"FL"}, MaxLength: 100},
		{Patterns: []string{"FL"}, MinLength: 5, MaxLength: 3},
		{Patterns: []string{"FL"}, UPNDomain: "not a domain"},
		{Patterns: []string{"FL"}, MailDomain: "kommune.dk", MailTemplates: []string{"{first}+{last}"}},
		{Patterns: []string{"FL"}, MailDomain: "kommune.dk", MailTemplates: []string{"{nickname}"}},
		{Patterns: []string{"FL"}, Reuse: username.ReuseAfterQuarantine},
		{SuffixBase: "FLX"},
		{Patterns: []string{"FL"}, Fallback: "Bruger!"},
	} {
		err := cfg.Validate()
		assert.Error(t, err, "%+v", cfg)
	}
}

func TestConcurrentRequestsNeverShareAName(t *testing.T) {
	g := gen(t, username.Config{Patterns: []string{"FFLL", "FFLLX", "FFFLL", "FFFLLX"}, MailDomain: "kommune.dk"})
	const n = 16
	var wg sync.WaitGroup
	results := make([]username.Result, n)
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = g.Generate(ctx, username.Request{Name: jens})
		}()
	}
	wg.Wait()
	seen := map[string]bool{}
	for i := range n {
		require.NoError(t, errs[i])
		for _, name := range []string{results[i].Username, results[i].Mail} {
			assert.False(t, seen[name], "%s given twice", name)
			seen[name] = true
		}
	}
}

func TestReservationsExpire(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	g, err := username.New(username.Config{Patterns: []string{"FFLL", "FFLLX"}}, nil, username.WithClock(func() time.Time { return now }))
	require.NoError(t, err)
	a, err := g.Generate(ctx, username.Request{Name: jens})
	require.NoError(t, err)
	b, err := g.Generate(ctx, username.Request{Name: jens, Explain: true})
	require.NoError(t, err)
	assert.Equal(t, "jeha", a.Username)
	assert.Equal(t, "jeha2", b.Username)
	assert.Contains(t, b.Rejected[0].Reason, "reserved by another generation")
	now = now.Add(11 * time.Minute)
	c, err := g.Generate(ctx, username.Request{Name: jens})
	require.NoError(t, err)
	assert.Equal(t, "jeha", c.Username, "an abandoned reservation expires")
	g.Release(c.Token)
	d, _ := g.Generate(ctx, username.Request{Name: jens})
	assert.Equal(t, "jeha", d.Username, "a released name is free again")
}

var errExists = fmt.Errorf("already exists")

func TestCreateMovesOnWhenTheDirectorySaysTaken(t *testing.T) {
	g := gen(t, username.Config{Patterns: []string{"FFLL", "FFLLX"}})
	// Someone created jeha and jeha2 a moment ago; the index has not seen
	// them, the directory has.
	directory := map[string]bool{"jeha": true, "jeha2": true}
	var tries []string
	r, err := g.Create(ctx, username.Request{Name: jens}, 5, func(err error) bool { return err == errExists },
		func(_ context.Context, r username.Result) error {
			tries = append(tries, r.Username)
			if directory[r.Username] {
				return errExists
			}
			directory[r.Username] = true
			return nil
		})
	require.NoError(t, err)
	assert.Equal(t, "jeha3", r.Username)
	assert.Equal(t, []string{"jeha", "jeha2", "jeha3"}, tries)
	// Other errors are returned as they are.
	boom := fmt.Errorf("boom")
	_, err = g.Create(ctx, username.Request{Name: jens}, 5, func(err error) bool { return err == errExists },
		func(context.Context, username.Result) error { return boom })
	assert.ErrorIs(t, err, boom)
	// Attempts run out.
	_, err = g.Create(ctx, username.Request{Name: jens}, 2, func(error) bool { return true },
		func(context.Context, username.Result) error { return errExists })
	assert.ErrorIs(t, err, username.ErrExhausted)
}

func TestExhaustedExplainsEveryCandidate(t *testing.T) {
	idx := username.NewIndex()
	for _, n := range []string{"jeha", "jeha2", "jeha3", "jeha4", "jeha5", "jeha6", "jeha7", "jeha8", "jeha9"} {
		idx.Add(n, username.Holding{Where: username.InSAMAccountName})
	}
	_, err := gen(t, username.Config{Patterns: []string{"FFLL", "FFLLX"}}, idx).Generate(ctx, username.Request{Name: jens, Explain: true})
	require.ErrorIs(t, err, username.ErrExhausted)
	var ee *username.ExhaustedError
	require.ErrorAs(t, err, &ee)
	assert.Equal(t, 9, ee.Tried)
	assert.Len(t, ee.Rejected, 9)
}

func TestAnExhaustedMailExplainsItself(t *testing.T) {
	idx := username.NewIndex()
	for _, n := range []string{"jens.hansen", "j.hansen", "jens.h", "jens.hansen2"} {
		idx.Add(n, username.Holding{Where: username.InMail})
	}
	cfg := username.Config{Patterns: []string{"FFLL"}, MailDomain: "kommune.dk", SuffixMax: 2}
	_, err := gen(t, cfg, idx).Generate(ctx, username.Request{Name: jens, Explain: true})
	var ee *username.ExhaustedError
	require.ErrorAs(t, err, &ee)
	assert.Equal(t, "e-mail", ee.What)
	assert.Len(t, ee.Rejected, 4)
	assert.Contains(t, err.Error(), "add templates or raise suffix_max")
}

func TestCreatedNamesStayBlockedUntilTheIndexKnows(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	g, err := username.New(username.Config{Patterns: []string{"FFLL", "FFLLX"}}, nil, username.WithClock(func() time.Time { return now }))
	require.NoError(t, err)
	r, err := g.Create(ctx, username.Request{Name: jens}, 3, func(error) bool { return false },
		func(context.Context, username.Result) error { return nil })
	require.NoError(t, err)
	assert.Equal(t, "jeha", r.Username)
	r2, err := g.Generate(ctx, username.Request{Name: jens})
	require.NoError(t, err)
	assert.Equal(t, "jeha2", r2.Username, "the created name is not handed out again before the index has it")
	g.Release(r2.Token)
	now = now.Add(time.Hour)
	r3, _ := g.Generate(ctx, username.Request{Name: jens})
	assert.Equal(t, "jeha2", r3.Username, "a created name stays blocked past the reservation time while no index knows it")
}

// A long run (a first provisioning of thousands of accounts) outlives the
// reservation time; the names it created must not be handed out again
// before the index has learned of them, and once it has, the index alone
// decides (so a deleted account's name follows the index's rules).
func TestCreatedNamesAreHandedToTheIndex(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	idx := username.NewIndex()
	g, err := username.New(username.Config{Patterns: []string{"FFLL", "FFLLX"}}, []username.Taken{idx}, username.WithClock(func() time.Time { return now }))
	require.NoError(t, err)
	r, err := g.Create(ctx, username.Request{Name: jens}, 1, func(error) bool { return false },
		func(context.Context, username.Result) error { return nil })
	require.NoError(t, err)
	require.Equal(t, "jeha", r.Username)

	now = now.Add(24 * time.Hour)
	r2, err := g.Generate(ctx, username.Request{Name: jens})
	require.NoError(t, err)
	assert.Equal(t, "jeha2", r2.Username, "a day later the index has still not learned of jeha")
	g.Release(r2.Token)
	hs, _ := g.Holdings(ctx, "jeha")
	assert.Len(t, hs, 1, "the generator reports the created name to other generators too")

	idx.Add("jeha", username.Holding{Where: username.InSAMAccountName, Holder: "guid-1"})
	r3, _ := g.Generate(ctx, username.Request{Name: jens})
	assert.Equal(t, "jeha2", r3.Username)
	g.Release(r3.Token)
	hs, _ = g.Holdings(ctx, "jeha")
	assert.Empty(t, hs, "once the index holds the name the generator lets go of it")

	idx.Remove("guid-1", username.InSAMAccountName, "jeha")
	r4, _ := g.Generate(ctx, username.Request{Name: jens})
	assert.Equal(t, "jeha", r4.Username, "the account was deleted: the index is the authority")
}

func TestIndexReplaceSwapsAHoldersNames(t *testing.T) {
	idx := username.NewIndex()
	idx.Add("jeha", username.Holding{Where: username.InSAMAccountName, Holder: "g1"})
	idx.Add("jens.hansen", username.Holding{Where: username.InMail, Holder: "g1"})
	idx.Add("jeha", username.Holding{Where: username.InHistory, Holder: "g1"})
	idx.Add("jeha", username.Holding{Where: username.InSAMAccountName, Holder: "g2"})
	// g1 is renamed to jeha9 and loses its mail.
	idx.Replace(username.DirectoryPlaces, []string{"g1"}, []username.Claim{{Name: "JEHA9", Holding: username.Holding{Where: username.InSAMAccountName, Holder: "g1"}}})
	hs, _ := idx.Holdings(ctx, "jeha")
	assert.ElementsMatch(t, []username.Holding{{Where: username.InHistory, Holder: "g1"}, {Where: username.InSAMAccountName, Holder: "g2"}}, hs, "history and other holders stay")
	hs, _ = idx.Holdings(ctx, "jens.hansen")
	assert.Empty(t, hs)
	hs, _ = idx.Holdings(ctx, "jeha9")
	assert.Len(t, hs, 1)
	idx.Remove("g2", username.InSAMAccountName, "jeha")
	idx.Replace([]username.Where{username.InHistory}, []string{"g1"}, nil)
	hs, _ = idx.Holdings(ctx, "jeha")
	assert.Empty(t, hs)
	assert.Equal(t, 1, idx.Len())
}

func TestNamesWithControlOrInvisibleCharactersAreRefused(t *testing.T) {
	g, err := username.New(username.Config{Patterns: []string{"FFLL"}}, nil)
	require.NoError(t, err)
	for _, bad := range []username.Name{
		{GivenNames: "Anne\x1b[31m", Surname: "Hansen"},
		{GivenNames: "Anne", Surname: "Han\nsen"},
		{GivenNames: "Anne\x00", Surname: "Hansen"},
		{GivenNames: "Anne", Surname: "Hansen\xff"},
		{GivenNames: "Anne\u202e", Surname: "Hansen"},
		{GivenNames: "An\u200bne", Surname: "Hansen"},
		{GivenNames: "\ufeffAnne", Surname: "Hansen"},
	} {
		_, err := g.Generate(context.Background(), username.Request{Name: bad})
		assert.ErrorIs(t, err, username.ErrBadText, "%q", bad)
		var ne *username.NameError
		require.ErrorAs(t, err, &ne)
		assert.NotContains(t, err.Error(), "Anne", "the error does not hold the name")
	}
	res, err := g.Generate(context.Background(), username.Request{Name: username.Name{GivenNames: "Mehr\u200cdad", Surname: "Ahmadi"}})
	require.NoError(t, err, "the zero-width non-joiner belongs in Persian names")
	assert.NotEmpty(t, res.Username)
}
