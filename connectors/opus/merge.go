package opus

import (
	"cmp"
	"slices"

	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// mergeRows returns one kind's rows of a dump's state: the dump's rows,
// and for the ids it does not have, the previous dump's (prev may be
// empty). Both lists are sorted by key and start, and so is the result.
//
//   - An id the dump has keeps the dump's rows; if its element says
//     action="leave", they end on the dump's day.
//   - An id with a bare action="leave" element ends its previous rows on
//     the dump's day.
//   - An id whose element was malformed keeps its previous rows as they
//     were: a typo ends nobody's employment.
//   - An id missing from the dump ends its previous rows on the dump's
//     day: terminated, not deleted.
//
// Ending rows on a day drops those that start on it or later, so a
// record that had not yet begun is gone. ended are the ids whose rows
// were ended.
func mergeRows[T any](cur, prev []T, day timeline.Date, left, bad map[string]bool, kv func(*T) (string, *timeline.Interval)) (out []T, ended map[string]bool) {
	ended = map[string]bool{}
	out = make([]T, 0, len(cur)+len(cur)/16)
	have := make(map[string]bool, len(cur))
	for i := 0; i < len(cur); {
		key, _ := kv(&cur[i])
		j := i + 1
		for j < len(cur) {
			if k, _ := kv(&cur[j]); k != key {
				break
			}
			j++
		}
		have[key] = true
		if left[key] {
			out = endRows(out, cur[i:j], day, kv)
			ended[key] = true
		} else {
			out = append(out, cur[i:j]...)
		}
		i = j
	}
	carried := false
	for i := 0; i < len(prev); {
		key, _ := kv(&prev[i])
		j := i + 1
		for j < len(prev) {
			if k, _ := kv(&prev[j]); k != key {
				break
			}
			j++
		}
		switch {
		case have[key]:
		case bad[key] && !left[key]:
			out = append(out, prev[i:j]...)
			carried = true
		default:
			n := len(out)
			out = endRows(out, prev[i:j], day, kv)
			carried = carried || len(out) > n
			ended[key] = true
		}
		i = j
	}
	if carried {
		slices.SortStableFunc(out, func(a, b T) int {
			ka, va := kv(&a)
			kb, vb := kv(&b)
			return cmp.Or(cmp.Compare(ka, kb), cmp.Compare(va.From, vb.From))
		})
	}
	return out, ended
}

// endRows appends rows ended on day: a row that starts on day or later
// is dropped, one that lasts longer ends on day.
func endRows[T any](out, rows []T, day timeline.Date, kv func(*T) (string, *timeline.Interval)) []T {
	for _, r := range rows {
		_, iv := kv(&r)
		if iv.From >= day {
			continue
		}
		iv.To = min(iv.To, day)
		out = append(out, r)
	}
	return out
}
