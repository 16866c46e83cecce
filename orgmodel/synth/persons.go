package synth

import (
	"fmt"
	"slices"
	"strings"

	"github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// person is a person being generated.
type person struct {
	key   string
	attrs orgmodel.PersonAttrs
	adult timeline.Date // the 18th birthday: no engagement starts before it
	start timeline.Date // the first engagement's start
}

// The styles of name, with the per cent of persons that have them; the
// rest have Danish names. Every style is used at least once from 20
// persons on, so that tests can rely on each.
const (
	styleDanish = iota
	styleHyphen
	styleParticle
	styleAccented
	styleForeign
	styleScript
	styles
)

var styleShare = [styles]int{styleHyphen: 8, styleParticle: 2, styleAccented: 7, styleForeign: 6, styleScript: 2}

// makePersons generates the persons with unique, valid CPR numbers and
// birth dates that make them adults a year before Today.
func (g *gen) makePersons() error {
	n := g.c.Persons
	style := make([]int, n)
	k := 0
	for s := styleHyphen; s < styles; s++ {
		count := n * styleShare[s] / 100
		if count == 0 && n >= 20 {
			count = 1
		}
		for ; count > 0 && k < n; count-- {
			style[k] = s
			k++
		}
	}
	g.r.Shuffle(n, func(i, j int) { style[i], style[j] = style[j], style[i] })

	ty, _, _ := g.c.Today.YMD()
	first := timeline.MustDate(1950, 1, 1)
	last := timeline.MustDate(min(2005, ty-19), 12, 31)
	used := make(map[orgmodel.CPR]bool, n)
	g.persons = make([]person, n)
	for i := range g.persons {
		p := &g.persons[i]
		p.key = fmt.Sprintf("P%06d", i+1)
		p.attrs = g.name(style[i])
		birth := g.date(first, last)
		p.adult = birth.AddMonths(18 * 12)
		if style[i] >= styleParticle && style[i] <= styleForeign && g.r.IntN(40) == 0 {
			continue // a foreign consultant without a CPR number
		}
		c, err := g.cpr(birth, used)
		if err != nil {
			return err
		}
		p.attrs.NationalID = c
	}
	return nil
}

// name returns a name in the style.
func (g *gen) name(style int) orgmodel.PersonAttrs {
	var f fullName
	switch style {
	case styleParticle:
		f = pick(g, particleNames)
	case styleAccented:
		f = pick(g, accentedNames)
	case styleForeign:
		f = pick(g, foreignNames)
	case styleScript:
		f = pick(g, scriptNames)
	default:
		return g.danishName(style == styleHyphen)
	}
	return orgmodel.PersonAttrs{GivenNames: f.given, Surname: f.surname, NicknameGivenNames: f.nickGiven, NicknameSurname: f.nickSur}
}

// danishName returns one to three given names and a surname, hyphenated
// from two if asked; some go by a short form of their first name.
func (g *gen) danishName(hyphen bool) orgmodel.PersonAttrs {
	list := maleNames
	if g.r.IntN(2) == 0 {
		list = femaleNames
	}
	count := 1
	switch x := g.r.IntN(10); {
	case x == 9:
		count = 3
	case x >= 6:
		count = 2
	}
	given := make([]string, 0, count)
	for len(given) < count {
		if n := pick(g, list); !slices.Contains(given, n) {
			given = append(given, n)
		}
	}
	a := orgmodel.PersonAttrs{GivenNames: strings.Join(given, " "), Surname: pick(g, surnames)}
	if hyphen {
		second := pick(g, surnames)
		for second == a.Surname {
			second = pick(g, surnames)
		}
		a.Surname += "-" + second
	}
	if short, ok := nicknames[given[0]]; ok && g.r.IntN(3) == 0 {
		a.NicknameGivenNames = short
	}
	if g.r.IntN(50) == 0 {
		a.NicknameSurname = pick(g, surnames) // goes by a former name
	}
	return a
}

// cpr returns a CPR number for the birth date that is not in used, with
// the seventh digit consistent with the birth year, and adds it to used.
func (g *gen) cpr(birth timeline.Date, used map[orgmodel.CPR]bool) (orgmodel.CPR, error) {
	y, m, d := birth.YMD()
	for {
		var d7 int
		switch {
		case y >= 2000: // 4 and 9 say 2000–2036, 5–8 say 2000–2057
			d7 = 4 + g.r.IntN(6)
		case y%100 >= 37: // 0–3 say 1900–1999, 4 and 9 say 1937–1999
			d7 = [...]int{0, 1, 2, 3, 4, 9}[g.r.IntN(6)]
		default:
			d7 = g.r.IntN(4)
		}
		digits := fmt.Sprintf("%02d%02d%02d%d%03d", d, int(m), y%100, d7, g.r.IntN(1000))
		c, err := orgmodel.ParseCPR(digits, orgmodel.CPROptions{})
		if err != nil {
			return orgmodel.CPR{}, fmt.Errorf("synth: made an invalid CPR number (a bug): %w", err)
		}
		if !used[c] {
			used[c] = true
			return c, nil
		}
	}
}

// date returns a random day from first to last, both included.
func (g *gen) date(first, last timeline.Date) timeline.Date {
	return first.AddDays(g.r.IntN(int(last-first) + 1))
}
