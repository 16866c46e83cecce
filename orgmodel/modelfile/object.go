package modelfile

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// pendingObject is an object as read, kept until its snapshot is complete:
// its id may derive from the snapshot's source and its "key:" references
// may name objects further down, so neither is known before.
type pendingObject struct {
	id     uuid.UUID // uuid.Nil until given or derived
	idAt   int       // offset of "id"'s value, or -1 if absent
	kind   orgmodel.Kind
	kindAt int
	key    string
	keyAt  int
	spans  []pendingSpan
}

// pendingSpan is one history entry as read.
type pendingSpan struct {
	v      spanJSON // the fields as given; references as text
	iv     timeline.Interval
	fromAt int
	cpr    orgmodel.CPR
	// fields are the fields given with their offsets, until the object's
	// kind (which may come after its history) has been checked.
	fields []fieldAt
	// keyRefs are the "key:" references, for the error if one names
	// nothing.
	keyRefs []fieldAt
}

// fieldAt is a field, or an element of one, and its offset.
type fieldAt struct {
	name string
	elem int // index in an array field, or -1
	at   int
}

// readObject reads one element of a snapshot's objects.
func (d *document) readObject() (pendingObject, error) {
	o := pendingObject{idAt: -1, keyAt: -1, kindAt: -1}
	at, err := d.object(func(name string, at int) error {
		switch name {
		case "id":
			v, vat, err := d.str()
			if err != nil {
				return err
			}
			if o.id, err = parseID(v); err != nil {
				return d.failAt(vat, err)
			}
			if o.id == uuid.Nil {
				return d.failAt(vat, problem("is the nil uuid, which is no object's id"))
			}
			o.idAt = vat
		case "kind":
			v, vat, err := d.str()
			if err != nil {
				return err
			}
			k, ok := kindByName[v]
			if !ok {
				return d.failAt(vat, fmt.Errorf("is %s, not one of person, unit, engagement, manager, association, related-units, account, address, leave", quote(v)))
			}
			o.kind, o.kindAt = k, vat
		case "key":
			var err error
			o.key, o.keyAt, err = d.str()
			return err
		case "history":
			o.spans = make([]pendingSpan, 0, 1)
			_, err := d.array(func(int) error {
				sp, err := d.span()
				o.spans = append(o.spans, sp)
				return err
			})
			return err
		default:
			return d.unknown(at)
		}
		return nil
	})
	if err != nil {
		return o, err
	}
	switch {
	case o.kindAt < 0:
		return o, d.errorAt(d.child("kind"), at, problem("is missing"))
	case o.keyAt < 0:
		return o, d.errorAt(d.child("key"), at, problem("is missing"))
	case o.spans == nil:
		return o, d.errorAt(d.child("history"), at, problem("is missing"))
	case o.idAt < 0 && o.key == "":
		return o, d.errorAt(d.child("key"), o.keyAt, problem("is empty, and the object has no id to go by"))
	}
	return o, d.checkHistory(&o)
}

// checkHistory checks what needs the whole object: that every field
// belongs to its kind, and that the spans do not overlap.
func (d *document) checkHistory(o *pendingObject) error {
	base := d.path()
	for k := range o.spans {
		sp := &o.spans[k]
		for _, f := range sp.fields {
			if !hasField(o.kind, f.name) {
				return d.errorAt(fmt.Sprintf("%s.history[%d].%s", base, k, f.name), f.at, fmt.Errorf("is not a field of the kind %s", kindNames[o.kind]))
			}
		}
		sp.fields = nil
	}
	order := make([]int, len(o.spans))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(o.spans[a].iv.From, o.spans[b].iv.From) })
	for n := 1; n < len(order); n++ {
		prev, cur := o.spans[order[n-1]], o.spans[order[n]]
		if cur.iv.From < prev.iv.To {
			return d.errorAt(fmt.Sprintf("%s.history[%d].from", base, order[n]), cur.fromAt, fmt.Errorf("%s overlaps history[%d] %s", cur.iv, order[n-1], prev.iv))
		}
	}
	return nil
}

// span reads one history entry.
func (d *document) span() (pendingSpan, error) {
	sp := pendingSpan{iv: timeline.Interval{To: timeline.Open}}
	fromGiven := false
	var toAt int
	at, err := d.object(func(name string, at int) error {
		sp.fields = append(sp.fields, fieldAt{name: name, elem: -1, at: at})
		switch name {
		case "from":
			fromGiven = true
			var err error
			sp.iv.From, sp.fromAt, err = d.date()
			return err
		case "to":
			var err error
			sp.iv.To, toAt, err = d.dateOrOpen()
			return err
		}
		return d.attr(&sp, name, at)
	})
	switch {
	case err != nil:
		return sp, err
	case !fromGiven:
		return sp, d.errorAt(d.child("from"), at, problem("is missing"))
	case sp.iv.To <= sp.iv.From:
		return sp, d.errorAt(d.child("to"), toAt, fmt.Errorf("is not after from (%s)", sp.iv.From))
	}
	return sp, nil
}

// date reads a day written YYYY-MM-DD.
func (d *document) date() (timeline.Date, int, error) {
	s, at, err := d.str()
	if err != nil {
		return 0, at, err
	}
	v, err := d.parseDate(s, at)
	return v, at, err
}

// parseDate parses the date s read at offset at.
func (d *document) parseDate(s string, at int) (timeline.Date, error) {
	var v timeline.Date
	if err := v.UnmarshalText([]byte(s)); err != nil {
		// Not ParseDate's message, which quotes the input unredacted.
		return 0, d.failAt(at, fmt.Errorf("%w: %s is not a day written YYYY-MM-DD (years 1 to 9998)", timeline.ErrDate, quote(s)))
	}
	return v, nil
}

// dateOrOpen reads a day, or null for an open end, as timeline.Interval's
// own JSON writes it.
func (d *document) dateOrOpen() (timeline.Date, int, error) {
	tok, at, err := d.token()
	if err != nil {
		return 0, at, err
	}
	switch t := tok.(type) {
	case nil:
		return timeline.Open, at, nil
	case string:
		v, err := d.parseDate(t, at)
		return v, at, err
	}
	return 0, at, d.failAt(at, wrongType("a date or null", tok))
}

// attr reads one attribute field of a span.
func (d *document) attr(sp *pendingSpan, name string, at int) error {
	v := &sp.v
	var err error
	switch name {
	case "given_names":
		v.GivenNames, _, err = d.str()
	case "surname":
		v.Surname, _, err = d.str()
	case "nickname_given_names":
		v.NicknameGivenNames, _, err = d.str()
	case "nickname_surname":
		v.NicknameSurname, _, err = d.str()
	case "national_id":
		err = d.nationalID(sp)
	case "name":
		v.Name, _, err = d.str()
	case "parent":
		v.Parent, err = d.ref(sp, name)
	case "person":
		v.Person, err = d.ref(sp, name)
	case "unit":
		v.Unit, err = d.ref(sp, name)
	case "engagement":
		v.Engagement, err = d.ref(sp, name)
	case "source_unit":
		v.SourceUnit, err = d.ref(sp, name)
	case "units":
		v.Units, err = d.units(sp)
	case "type":
		v.Type, _, err = d.str()
	case "level":
		v.Level, _, err = d.str()
	case "hierarchy":
		v.Hierarchy, _, err = d.str()
	case "employment_number":
		v.EmploymentNumber, _, err = d.str()
	case "job_function":
		v.JobFunction, _, err = d.str()
	case "fraction":
		v.Fraction, err = d.number()
	case "primary":
		v.Primary, err = d.boolean()
	case "primary_by":
		v.PrimaryBy, _, err = d.str()
	case "placed_by":
		v.PlacedBy, _, err = d.str()
	case "responsibilities":
		v.Responsibilities, err = d.responsibilities()
	case "system":
		v.System, _, err = d.str()
	case "username":
		v.Username, _, err = d.str()
	case "external_id":
		v.ExternalID, _, err = d.str()
	case "value":
		v.Value, _, err = d.str()
	default:
		err = d.unknown(at)
	}
	return err
}

// nationalID reads a CPR number. Fictive ones are let through: whether
// the model takes them is its Options' call, made at Load.
func (d *document) nationalID(sp *pendingSpan) error {
	s, at, err := d.str()
	if err != nil {
		return err
	}
	// The CPRError names positions and the date part, never the serial.
	if sp.cpr, err = orgmodel.ParseCPR(s, orgmodel.CPROptions{AllowFictive: true}); err != nil {
		return d.failAt(at, err)
	}
	return nil
}

// ref reads a reference: a uuid, or "key:" and a user key, which resolve
// reads once the snapshot is complete.
func (d *document) ref(sp *pendingSpan, name string) (string, error) {
	s, at, err := d.str()
	if err != nil {
		return "", err
	}
	return s, d.checkRef(sp, name, -1, s, at)
}

// checkRef checks reference text and notes where a "key:" one is.
func (d *document) checkRef(sp *pendingSpan, name string, elem int, s string, at int) error {
	if s == "" {
		return d.failAt(at, problem("is empty; leave the field out for no reference"))
	}
	if strings.HasPrefix(s, keyPrefix) {
		sp.keyRefs = append(sp.keyRefs, fieldAt{name: name, elem: elem, at: at})
		return nil
	}
	if _, err := parseID(s); err != nil {
		return d.failAt(at, fmt.Errorf("%w, nor %q and a user key", err, keyPrefix))
	}
	return nil
}

// units reads a related-units link's pair.
func (d *document) units(sp *pendingSpan) ([]string, error) {
	vs, ats, at, err := d.strings()
	if err != nil {
		return nil, err
	}
	if len(vs) != 2 {
		return nil, d.failAt(at, fmt.Errorf("has %d elements; a link has exactly two units", len(vs)))
	}
	for i, s := range vs {
		d.pushIndex(i)
		if err := d.checkRef(sp, "units", i, s, ats[i]); err != nil {
			return nil, err
		}
		d.pop()
	}
	return vs, nil
}

// responsibilities reads a manager's responsibility keys.
func (d *document) responsibilities() ([]string, error) {
	vs, ats, _, err := d.strings()
	if err != nil {
		return nil, err
	}
	for i, s := range vs {
		// orgmodel.Keys separates keys with NUL, so a key holding one
		// would come back split: the file could not keep it.
		if strings.IndexByte(s, 0) >= 0 {
			d.pushIndex(i)
			return nil, d.failAt(ats[i], problem("contains NUL, which a set of keys cannot hold"))
		}
	}
	return vs, nil
}

// spanPath returns the path of a span's field, or of an element of it,
// from the path of its snapshot.
func spanPath(snap string, obj, span int, f fieldAt) string {
	p := snap + ".objects[" + strconv.Itoa(obj) + "].history[" + strconv.Itoa(span) + "]." + f.name
	if f.elem >= 0 {
		p += "[" + strconv.Itoa(f.elem) + "]"
	}
	return p
}
