// Package modelfile reads and writes org model snapshots as one JSON file,
// so that an operator can run the org rules over a model loaded from a
// file, and write or edit a small sample by hand.
//
// # The format
//
// A file is one JSON document (UTF-8; a leading byte order mark is
// skipped):
//
//	{
//	  "format": "orgsync-model/1",
//	  "snapshots": [
//	    {
//	      "source": "sd",
//	      "objects": [
//	        {
//	          "kind": "unit",
//	          "key": "U1",
//	          "history": [
//	            {"from": "2020-01-01", "name": "Sjølund Kommune", "level": "NY3-niveau"}
//	          ]
//	        },
//	        {
//	          "id": "8d0f8e92-5c3e-4d7a-9f0c-2b1e6a4c7d10",
//	          "kind": "unit",
//	          "key": "U2",
//	          "history": [
//	            {"from": "2020-01-01", "to": "2024-01-01", "name": "Ældreplejen", "parent": "key:U1"},
//	            {"from": "2024-01-01", "name": "Ældre og Sundhed", "parent": "key:U1"}
//	          ]
//	        }
//	      ]
//	    }
//	  ]
//	}
//
// "format" must be [Format]. "snapshots" are the sources' snapshots, one
// per source, imported in the file's order (a snapshot may refer to the
// objects of those before it). Each has a "source" and its "objects",
// both required, the objects possibly [].
//
// An object has:
//
//   - "id": its uuid. Optional: without it, the id is
//     orgmodel.SourceID(source, kind, key), as a source's import makes it.
//   - "kind": one of "person", "unit", "engagement", "manager",
//     "association", "related-units", "account", "address", "leave".
//   - "key": its user key; it may be "" only if "id" is given. Ids, and
//     keys within a kind, are unique within a snapshot.
//   - "history": its validity, spans that do not overlap, in any order.
//     Each span has "from", its first day, and "to", the first day after
//     it, absent or null for an open end; both are written YYYY-MM-DD (as
//     timeline.Date marshals itself), and "to" must be after "from". The
//     span's other fields are the attributes of the object's kind over
//     those days.
//
// The attribute fields are the *Attrs types' fields in snake case; an
// absent field is the zero value, and a field of another kind is an error:
//
//	person         given_names, surname, nickname_given_names, nickname_surname,
//	               national_id (a CPR number, ddmmyy-ssss or ddmmyyssss)
//	unit           name, parent, type, level, hierarchy
//	engagement     person, unit, source_unit, type, employment_number,
//	               job_function, fraction (a number), primary (true or false),
//	               primary_by, placed_by
//	manager        unit, person, engagement, type, level,
//	               responsibilities (an array of keys)
//	association    person, unit, type
//	related-units  units (an array of exactly two units)
//	account        person, unit, engagement, system, username, external_id
//	address        person, unit, engagement, type, value
//	leave          person, engagement, type
//
// The references (parent, person, unit, engagement, source_unit and the
// elements of units) are a uuid, or "key:" followed by the user key of an
// object of the same snapshot, of the kind the field implies: parent,
// unit, source_unit and units name units, person a person, engagement an
// engagement. Absent means no reference. Objects of other snapshots are
// named by uuid, which is why an object another snapshot refers to may
// give its "id".
//
// [Write] writes this format with every id given, references as uuids,
// zero attributes left out, and the national ids in full: a model file
// holds personal data and is to be kept as the model's store is.
//
// # Checks
//
// [Read] refuses a document that cannot be a list of snapshots with an
// [*Error] naming the first problem's path (such as
// "snapshots[0].objects[12].history[1].from"), line and column: a JSON
// syntax error, invalid UTF-8, an unknown or repeated field, a value of
// the wrong type, a wrong format, an unknown kind, a bad date, a span that
// does not end after it starts or overlaps another, a "key:" reference to
// nothing, a repeated id, key or source, a CPR number that does not parse
// (fictive ones are read; whether the model takes them is its options'
// call). What the model's own rules decide (text without control
// characters, references to objects that exist over the days they are
// referred to, units without cycles) is checked where the model checks it,
// in [Load]. No error text holds a CPR number in full.
//
// What it owns: the file format, both ways, and loading what it reads
// into a model the way a source's import does.
//
// What it must not do: talk to the network, touch files other than the
// one ReadFile is given (Read and Write work on the reader and writer a
// caller gives them), log, or read a clock: Load's day and registration
// are parameters. It never decides anything about the model; Load leaves
// that to orgmodel.Import and Model.Apply.
package modelfile
