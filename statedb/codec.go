package statedb

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"math"
	"strings"

	"github.com/google/uuid"

	om "github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// The versions of a commit are stored as one blob in a compact binary
// form of orgsync's own: a format byte, then the versions, then a CRC-32C
// of all before it, so that a damaged page is reported as corruption
// instead of being read as an org model. National ids are sealed with the
// database's key (see Key). The form is this package's: it changes only
// with a new format byte, which the decoder refuses if it does not know it.
const versionsFormat = 1

var crcTable = crc32.MakeTable(crc32.Castagnoli)

// errFormat is what the decoder returns for bytes it cannot read.
var errFormat = errors.New("malformed versions")

// encoder appends to a buffer.
type encoder struct {
	b     []byte
	key   *Key
	seals map[sealKey][]byte // a commit seals each person's id once
}

type sealKey struct {
	person uuid.UUID
	cpr    om.CPR
}

func (e *encoder) uvarint(v uint64) { e.b = binary.AppendUvarint(e.b, v) }
func (e *encoder) varint(v int64)   { e.b = binary.AppendVarint(e.b, v) }
func (e *encoder) byte(v byte)      { e.b = append(e.b, v) }
func (e *encoder) bytes(v []byte)   { e.uvarint(uint64(len(v))); e.b = append(e.b, v...) }
func (e *encoder) str(v string)     { e.uvarint(uint64(len(v))); e.b = append(e.b, v...) }

func (e *encoder) bool(v bool) {
	if v {
		e.byte(1)
	} else {
		e.byte(0)
	}
}

// id writes a uuid; the nil uuid, the most common reference, in one byte.
func (e *encoder) id(v uuid.UUID) {
	if v == uuid.Nil {
		e.byte(0)
		return
	}
	e.byte(1)
	e.b = append(e.b, v[:]...)
}

// encodeVersions returns the blob of a commit's versions.
func encodeVersions(key *Key, vs []om.Version) []byte {
	return encodeVersionsSealed(key, nil, vs)
}

// encodeVersionsSealed is encodeVersions with the national ids sealed
// before kept in seals (and the new ones added to it): a person's number
// is sealed once, not in every commit that touches the person.
func encodeVersionsSealed(key *Key, seals map[sealKey][]byte, vs []om.Version) []byte {
	e := &encoder{key: key, seals: seals, b: make([]byte, 0, 64+128*len(vs))}
	e.byte(versionsFormat)
	e.uvarint(uint64(len(vs)))
	for _, v := range vs {
		o := v.Object
		e.bool(v.Deleted)
		e.b = append(e.b, o.ID[:]...)
		e.byte(byte(o.Kind))
		if v.Deleted {
			continue
		}
		e.str(o.UserKey)
		e.str(o.Source)
		e.uvarint(uint64(o.Timeline.Len()))
		for sp := range o.Timeline.All() {
			e.varint(int64(sp.Interval.From))
			e.varint(int64(sp.Interval.To))
			e.attrs(o.ID, sp.Value)
		}
	}
	return appendCRC(e.b)
}

// appendCRC appends the CRC-32C of b.
func appendCRC(b []byte) []byte {
	return binary.LittleEndian.AppendUint32(b, crc32.Checksum(b, crcTable))
}

func (e *encoder) attrs(id uuid.UUID, a om.Attrs) {
	switch a := a.(type) {
	case om.PersonAttrs:
		e.str(a.GivenNames)
		e.str(a.Surname)
		e.str(a.NicknameGivenNames)
		e.str(a.NicknameSurname)
		if a.NationalID.IsZero() {
			e.bytes(nil)
			return
		}
		k := sealKey{id, a.NationalID}
		sealed, ok := e.seals[k]
		if !ok {
			sealed = e.key.seal(id, a.NationalID)
			if e.seals == nil {
				e.seals = make(map[sealKey][]byte)
			}
			e.seals[k] = sealed
		}
		e.bytes(sealed)
	case om.UnitAttrs:
		e.str(a.Name)
		e.id(a.Parent)
		e.str(a.Type)
		e.str(a.Level)
		e.str(a.Hierarchy)
	case om.EngagementAttrs:
		e.id(a.Person)
		e.id(a.Unit)
		e.str(a.EmploymentNumber)
		e.str(a.JobFunction)
		e.str(a.Type)
		e.b = binary.LittleEndian.AppendUint64(e.b, math.Float64bits(a.Fraction))
		e.bool(a.Primary)
		e.str(a.PrimaryBy)
		e.id(a.SourceUnit)
		e.str(a.PlacedBy)
	case om.ManagerAttrs:
		e.id(a.Unit)
		e.id(a.Person)
		e.id(a.Engagement)
		e.str(a.Type)
		e.str(a.Level)
		keys := a.Responsibilities.All()
		e.uvarint(uint64(len(keys)))
		for _, k := range keys {
			e.str(k)
		}
	case om.AssociationAttrs:
		e.id(a.Person)
		e.id(a.Unit)
		e.str(a.Type)
	case om.RelatedUnitsAttrs:
		e.id(a.Units[0])
		e.id(a.Units[1])
	case om.AccountAttrs:
		e.str(a.System)
		e.str(a.Username)
		e.str(a.ExternalID)
		e.id(a.Person)
		e.id(a.Unit)
		e.id(a.Engagement)
	case om.AddressAttrs:
		e.str(a.Type)
		e.str(a.Value)
		e.id(a.Person)
		e.id(a.Unit)
		e.id(a.Engagement)
	case om.LeaveAttrs:
		e.id(a.Person)
		e.id(a.Engagement)
		e.str(a.Type)
	default:
		// Attrs is sealed: a new kind in orgmodel must be added here,
		// and the format byte raised.
		panic(fmt.Sprintf("statedb: no encoding for %T", a))
	}
}

// decoder reads what encoder wrote. The first error sticks: later reads
// return zero values, and the caller checks err once.
type decoder struct {
	b   []byte
	err error
	key *Key
	// strs interns text: a model's keys and names repeat across versions,
	// and a loaded model should not hold a copy of each.
	strs map[string]string
	// opened caches decrypted national ids by ciphertext.
	opened map[string]om.CPR
}

func newDecoder(key *Key) *decoder {
	return &decoder{key: key, strs: make(map[string]string), opened: make(map[string]om.CPR)}
}

func (d *decoder) fail(err error) {
	if d.err == nil {
		d.err = err
	}
	d.b = nil
}

func (d *decoder) uvarint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail(errFormat)
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) varint() int64 {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail(errFormat)
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) byte() byte {
	if len(d.b) < 1 {
		d.fail(errFormat)
		return 0
	}
	v := d.b[0]
	d.b = d.b[1:]
	return v
}

func (d *decoder) raw(n uint64) []byte {
	if uint64(len(d.b)) < n {
		d.fail(errFormat)
		return nil
	}
	v := d.b[:n:n]
	d.b = d.b[n:]
	return v
}

func (d *decoder) u64() uint64 {
	if b := d.raw(8); len(b) == 8 {
		return binary.LittleEndian.Uint64(b)
	}
	return 0
}

func (d *decoder) bytes() []byte { return d.raw(d.uvarint()) }

func (d *decoder) str() string {
	b := d.bytes()
	if len(b) == 0 {
		return ""
	}
	if s, ok := d.strs[string(b)]; ok {
		return s
	}
	s := string(b)
	d.strs[s] = s
	return s
}

func (d *decoder) bool() bool {
	switch d.byte() {
	case 0:
		return false
	case 1:
		return true
	}
	d.fail(errFormat)
	return false
}

func (d *decoder) uuid16() uuid.UUID {
	var v uuid.UUID
	copy(v[:], d.raw(16))
	return v
}

func (d *decoder) id() uuid.UUID {
	switch d.byte() {
	case 0:
		return uuid.Nil
	case 1:
		return d.uuid16()
	}
	d.fail(errFormat)
	return uuid.Nil
}

func (d *decoder) date() timeline.Date {
	v := d.varint()
	if v < math.MinInt32 || v > math.MaxInt32 {
		d.fail(errFormat)
		return 0
	}
	return timeline.Date(v)
}

// decodeVersions reads a commit's versions, each with reg as its
// registration.
func (d *decoder) decodeVersions(blob []byte, reg om.Registration) ([]om.Version, error) {
	if len(blob) < 5 {
		return nil, errFormat
	}
	body, sum := blob[:len(blob)-4], binary.LittleEndian.Uint32(blob[len(blob)-4:])
	if crc32.Checksum(body, crcTable) != sum {
		return nil, errors.New("checksum mismatch")
	}
	if body[0] != versionsFormat {
		return nil, fmt.Errorf("versions in format %d, which this orgsync cannot read", body[0])
	}
	d.b, d.err = body[1:], nil
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		return nil, errFormat
	}
	vs := make([]om.Version, 0, n)
	for range n {
		v := om.Version{Registration: reg, Deleted: d.bool()}
		v.Object.ID = d.uuid16()
		v.Object.Kind = om.Kind(d.byte())
		if !v.Deleted {
			v.Object.UserKey = d.str()
			v.Object.Source = d.str()
			spans := d.uvarint()
			if spans > uint64(len(d.b)) {
				return nil, errFormat
			}
			ss := make([]timeline.Span[om.Attrs], 0, spans)
			for range spans {
				sp := timeline.Span[om.Attrs]{Interval: timeline.Interval{From: d.date(), To: d.date()}}
				sp.Value = d.attrs(v.Object.ID, v.Object.Kind)
				if d.err != nil {
					return nil, d.err
				}
				ss = append(ss, sp)
			}
			tl, err := timeline.New(ss...)
			if err != nil {
				return nil, fmt.Errorf("object %s: %w", v.Object.ID, err)
			}
			v.Object.Timeline = tl
		}
		if d.err != nil {
			return nil, d.err
		}
		vs = append(vs, v)
	}
	if len(d.b) != 0 {
		return nil, errFormat
	}
	return vs, nil
}

func (d *decoder) attrs(id uuid.UUID, k om.Kind) om.Attrs {
	switch k {
	case om.KindPerson:
		a := om.PersonAttrs{GivenNames: d.str(), Surname: d.str(), NicknameGivenNames: d.str(), NicknameSurname: d.str()}
		if sealed := d.bytes(); len(sealed) > 0 {
			c, ok := d.opened[string(sealed)]
			if !ok {
				var err error
				if c, err = d.key.open(id, sealed); err != nil {
					d.fail(err)
					return nil
				}
				d.opened[string(sealed)] = c
			}
			a.NationalID = c
		}
		return a
	case om.KindUnit:
		return om.UnitAttrs{Name: d.str(), Parent: d.id(), Type: d.str(), Level: d.str(), Hierarchy: d.str()}
	case om.KindEngagement:
		a := om.EngagementAttrs{Person: d.id(), Unit: d.id(), EmploymentNumber: d.str(), JobFunction: d.str(), Type: d.str()}
		a.Fraction = math.Float64frombits(d.u64())
		if math.IsNaN(a.Fraction) {
			d.fail(errFormat) // the model never stores one
		}
		a.Primary, a.PrimaryBy, a.SourceUnit, a.PlacedBy = d.bool(), d.str(), d.id(), d.str()
		return a
	case om.KindManager:
		a := om.ManagerAttrs{Unit: d.id(), Person: d.id(), Engagement: d.id(), Type: d.str(), Level: d.str()}
		n := d.uvarint()
		if n > uint64(len(d.b)) {
			d.fail(errFormat)
			return nil
		}
		keys := make([]string, n)
		for i := range keys {
			if keys[i] = d.str(); strings.IndexByte(keys[i], 0) >= 0 {
				d.fail(errFormat) // Keys cannot hold a NUL
			}
		}
		a.Responsibilities = om.NewKeys(keys...)
		return a
	case om.KindAssociation:
		return om.AssociationAttrs{Person: d.id(), Unit: d.id(), Type: d.str()}
	case om.KindRelatedUnits:
		return om.RelatedUnitsAttrs{Units: [2]uuid.UUID{d.id(), d.id()}}
	case om.KindAccount:
		return om.AccountAttrs{System: d.str(), Username: d.str(), ExternalID: d.str(), Person: d.id(), Unit: d.id(), Engagement: d.id()}
	case om.KindAddress:
		return om.AddressAttrs{Type: d.str(), Value: d.str(), Person: d.id(), Unit: d.id(), Engagement: d.id()}
	case om.KindLeave:
		return om.LeaveAttrs{Person: d.id(), Engagement: d.id(), Type: d.str()}
	}
	d.fail(fmt.Errorf("%w: kind %d", errFormat, k))
	return nil
}

// eventsFormat is the format byte of an events chunk.
const eventsFormat = 1

// eventChunk is how many events one row of model_events holds.
const eventChunk = 256

// encodeEvents encodes consecutive events: the first Seq, then per event
// its type, kinds, ids, registration and day.
func encodeEvents(evs []om.Event) []byte {
	e := &encoder{b: make([]byte, 0, 16+44*len(evs))}
	e.byte(eventsFormat)
	e.uvarint(uint64(len(evs)))
	if len(evs) > 0 {
		e.uvarint(evs[0].Seq)
	}
	for _, ev := range evs {
		e.byte(byte(ev.Type))
		e.byte(byte(ev.Kind))
		e.b = append(e.b, ev.ID[:]...)
		e.byte(byte(ev.OwnerKind))
		e.id(ev.Owner)
		e.uvarint(ev.Registration)
		e.varint(int64(ev.Day))
	}
	return appendCRC(e.b)
}

// decodeEvents reads what encodeEvents wrote.
func decodeEvents(blob []byte) ([]om.Event, error) {
	if len(blob) < 5 {
		return nil, errFormat
	}
	body, sum := blob[:len(blob)-4], binary.LittleEndian.Uint32(blob[len(blob)-4:])
	if crc32.Checksum(body, crcTable) != sum {
		return nil, errors.New("checksum mismatch")
	}
	if body[0] != eventsFormat {
		return nil, fmt.Errorf("events in format %d, which this orgsync cannot read", body[0])
	}
	d := &decoder{b: body[1:]}
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		return nil, errFormat
	}
	evs := make([]om.Event, 0, n)
	var seq uint64
	if n > 0 {
		seq = d.uvarint()
	}
	for i := range n {
		ev := om.Event{Seq: seq + i, Type: om.EventType(d.byte()), Kind: om.Kind(d.byte()), ID: d.uuid16(), OwnerKind: om.Kind(d.byte()), Owner: d.id(), Registration: d.uvarint(), Day: d.date()}
		if d.err != nil {
			return nil, d.err
		}
		evs = append(evs, ev)
	}
	if len(d.b) != 0 {
		return nil, errFormat
	}
	return evs, nil
}
