package username_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgsync/orgsync/username"
)

func normalizer(t *testing.T) *username.Normalizer {
	t.Helper()
	n, err := username.NewNormalizer(nil)
	require.NoError(t, err)
	return n
}

func TestNormalizeLettersTheWayPeopleExpect(t *testing.T) {
	n := normalizer(t)
	for in, want := range map[string]string{
		"Søren":         "soeren",
		"ÆRØ":           "aeroe",
		"Åse":           "aase",
		"Jürgen":        "juergen",
		"Björk":         "bjoerk",
		"Mädchen":       "maedchen",
		"Straße":        "strasse",
		"STRASSE":       "strasse",
		"Renée":         "renee",
		"Zoë":           "zoe",
		"Łukasz":        "lukasz",
		"Çelik":         "celik",
		"Đorđević":      "dordevic",
		"Þór":           "thor",
		"Œuvre":         "oeuvre",
		"Yılmaz":        "yilmaz",
		"İlker":         "ilker",
		"Møller-Hansen": "moellerhansen",
		"O'Brien":       "obrien",
		"Anne2 Marie!":  "annemarie",
		"a\u030ase":     "aase", // å written as a + combining ring
		"ﬁne":           "fine", // a ligature folds
	} {
		got, _ := n.Part(in)
		assert.Equal(t, want, got, "%q", in)
	}
}

func TestReplacementsAreConfigurable(t *testing.T) {
	n, err := username.NewNormalizer(map[string]string{"ü": "u", "Ø": "o"})
	require.NoError(t, err)
	got, _ := n.Part("Jürgen Øst")
	assert.Equal(t, "jurgenost", got, "keys match case-insensitively")
	got, _ = n.Part("Åse")
	assert.Equal(t, "ase", got, "without the default table å only loses its ring")
	_, err = username.NewNormalizer(map[string]string{"": "x"})
	assert.Error(t, err)
}

func TestNamesWithoutLatinLettersAreTypedErrors(t *testing.T) {
	g := gen(t, username.Config{Patterns: []string{"FFLL"}})
	for _, name := range []username.Name{
		{GivenNames: "Γιώργος", Surname: "Παπαδόπουλος"},
		{GivenNames: "Алексей", Surname: "Иванов"},
		{GivenNames: "محمد", Surname: "العلي"},
		{GivenNames: "王", Surname: "小明"},
	} {
		_, err := g.Generate(ctx, username.Request{Name: name})
		require.ErrorIs(t, err, username.ErrNoLatinLetters, "%v", name)
		var ne *username.NameError
		require.True(t, errors.As(err, &ne))
		assert.NotContains(t, err.Error(), name.Surname, "errors do not repeat personal data")
	}
	_, err := g.Generate(ctx, username.Request{Name: username.Name{GivenNames: " 123 ", Surname: "-"}})
	assert.ErrorIs(t, err, username.ErrEmptyName)
	_, err = g.Generate(ctx, username.Request{Name: username.Name{GivenNames: strings.Repeat("a", 10000), Surname: "b"}})
	assert.ErrorIs(t, err, username.ErrNameTooLong)
}

func TestAFallbackForNamesWithoutLatinLetters(t *testing.T) {
	g := gen(t, username.Config{Patterns: []string{"FFLL"}, Fallback: "medarb"})
	r, err := g.Generate(ctx, username.Request{Name: username.Name{GivenNames: "Γιώργος", Surname: "Παπαδόπουλος"}})
	require.NoError(t, err)
	assert.Equal(t, "medarb2", r.Username)
	// A name with a Latin surname and a Greek first name uses the surname.
	g2 := gen(t, username.Config{Patterns: []string{"FFLL", "LLLL"}})
	r, err = g2.Generate(ctx, username.Request{Name: username.Name{GivenNames: "Γιώργος", Surname: "Papadopoulos"}})
	require.NoError(t, err)
	assert.Equal(t, "papa", r.Username)
}

func TestPartsAndTheSurnameRule(t *testing.T) {
	name := username.Name{GivenNames: "Anne  Sofie Marie Louise Karen", Surname: "van der Berg-Møller"}
	for rule, want := range map[username.SurnameRule]string{
		username.SurnameWhole: "vanderbergmoeller",
		username.SurnameFirst: "berg",
		username.SurnameLast:  "moeller",
	} {
		g := gen(t, username.Config{Patterns: []string{"FFLL"}, Surname: rule})
		p, err := g.Parts(name)
		require.NoError(t, err)
		assert.Equal(t, "anne", p.First)
		assert.Equal(t, []string{"sofie", "marie", "louise"}, p.Middle, "at most three middle names")
		assert.Equal(t, want, p.Last, "rule %d", rule)
	}
	g := gen(t, username.Config{Patterns: []string{"FFLL"}, RemoveVowels: true})
	p, err := g.Parts(username.Name{GivenNames: "Anne Sofie", Surname: "Hansen"})
	require.NoError(t, err)
	assert.Equal(t, "anne", p.First, "the first name keeps its vowels")
	assert.Equal(t, []string{"sf"}, p.Middle)
	assert.Equal(t, "hnsn", p.Last)
}
