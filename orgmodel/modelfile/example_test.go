package modelfile_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/modelfile"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// The document of the package comment.
const example = `{
  "format": "orgsync-model/1",
  "snapshots": [
    {
      "source": "sd",
      "objects": [
        {
          "kind": "unit",
          "key": "U1",
          "history": [
            {"from": "2020-01-01", "name": "Sjølund Kommune", "level": "NY3-niveau"}
          ]
        },
        {
          "id": "8d0f8e92-5c3e-4d7a-9f0c-2b1e6a4c7d10",
          "kind": "unit",
          "key": "U2",
          "history": [
            {"from": "2020-01-01", "to": "2024-01-01", "name": "Ældreplejen", "parent": "key:U1"},
            {"from": "2024-01-01", "name": "Ældre og Sundhed", "parent": "key:U1"}
          ]
        }
      ]
    }
  ]
}`

func ExampleRead() {
	snaps, err := modelfile.Read(strings.NewReader(example))
	if err != nil {
		fmt.Println(err)
		return
	}
	m := orgmodel.New(orgmodel.Options{})
	reg := orgmodel.Registration{Time: time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC), Actor: "operator"}
	if err := modelfile.Load(context.Background(), m, snaps, timeline.MustDate(2025, 3, 1), reg); err != nil {
		fmt.Println(err)
		return
	}
	g := m.Latest().At(timeline.MustDate(2025, 3, 1))
	for _, u := range g.Roots() {
		fmt.Println(u.Name)
		for _, c := range g.Children(u.ID) {
			fmt.Println("  " + c.Name)
		}
	}
	// Output:
	// Sjølund Kommune
	//   Ældre og Sundhed
}

func ExampleRead_error() {
	_, err := modelfile.Read(strings.NewReader(strings.Replace(example, `"to": "2024-01-01"`, `"to": "2019-01-01"`, 1)))
	fmt.Println(err)
	// Output:
	// modelfile: line 19, column 42: snapshots[0].objects[1].history[0].to: is not after from (2020-01-01)
}

func ExampleWrite() {
	unit := orgmodel.Object{
		ID:       orgmodel.SourceID("sd", orgmodel.KindUnit, "U1"),
		Kind:     orgmodel.KindUnit,
		UserKey:  "U1",
		Timeline: timeline.Of[orgmodel.Attrs](timeline.Since(timeline.MustDate(2020, 1, 1)), orgmodel.UnitAttrs{Name: "Sjølund Kommune"}),
	}
	if err := modelfile.Write(os.Stdout, orgmodel.Snapshot{Source: "sd", Objects: []orgmodel.Object{unit}}); err != nil {
		fmt.Println(err)
	}
	// Output:
	// {
	//   "format": "orgsync-model/1",
	//   "snapshots": [
	//     {
	//       "source": "sd",
	//       "objects": [
	//         {
	//           "id": "d88ad1de-8e98-5e65-89eb-e156cee5b2f4",
	//           "kind": "unit",
	//           "key": "U1",
	//           "history": [
	//             {
	//               "from": "2020-01-01",
	//               "name": "Sjølund Kommune"
	//             }
	//           ]
	//         }
	//       ]
	//     }
	//   ]
	// }
}
