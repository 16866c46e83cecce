package inmem

import (
	"strconv"
	"strings"
)

// compare orders two attribute values as AD orders them: as integers when
// both are integers, otherwise as case-folded text.
func compare(a, b string) int {
	x, errA := parseInt(a)
	y, errB := parseInt(b)
	if errA == nil && errB == nil {
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		}
		return 0
	}
	return strings.Compare(fold(a), fold(b))
}

func parseInt(s string) (int64, error) { return strconv.ParseInt(s, 10, 64) }
