package timeline_test

import (
	"fmt"

	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// A job title over time: hired as a nurse, promoted from 1 March, and the
// payroll export's inclusive last day converted at the boundary.
func Example() {
	d := timeline.MustParseDate
	hired := timeline.Of(timeline.Since(d("2024-01-01")), "Sygeplejerske")
	promoted := hired.Set(timeline.Since(d("2024-03-01")), "Afdelingssygeplejerske")
	// The export says the last working day is 2024-12-31.
	end := timeline.EndInclusive(d("2024-12-31"), true)
	left := promoted.Clear(timeline.Since(end))

	fmt.Println(left)
	title, _ := left.At(d("2024-06-15"))
	fmt.Println(title)
	_, employed := left.At(d("2025-01-01"))
	fmt.Println(employed)
	for _, c := range timeline.Diff(hired, left) {
		fmt.Printf("%s: %q → %q\n", c.Interval, c.Old, c.New)
	}
	// Output:
	// [2024-01-01, 2024-03-01) Sygeplejerske; [2024-03-01, 2025-01-01) Afdelingssygeplejerske
	// Afdelingssygeplejerske
	// false
	// [2024-03-01, 2025-01-01): "Sygeplejerske" → "Afdelingssygeplejerske"
	// [2025-01-01, ∞): "Sygeplejerske" → ""
}
