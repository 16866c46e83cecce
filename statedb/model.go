package statedb

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	om "github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// ModelStore is the org model's store on the database: an orgmodel.Store
// and orgmodel.StateLoader. A commit is one transaction: a row for the
// commit (the registration in columns, the versions in one encoded blob),
// a row per event, and the keyed hashes of the national ids it holds.
// Every CheckpointEvery commits it compacts the registrations since the
// last checkpoint into one more checkpoint segment, in the background, so
// that Open reads a few segments and the commits after them.
//
// A ModelStore is for one Model: it numbers commits itself and assumes it
// is the only writer (on PostgreSQL with several hosts, the leader's; see
// [DB.Lead]).
type ModelStore struct {
	db *DB

	mu        sync.Mutex // serialises commits
	loaded    bool
	next      uint64 // the seq of the next commit
	lastEvent uint64
	uncertain bool // a commit failed in a way that may have written it
	closed    bool
	// seals are the persons' national ids as sealed before, and indexed
	// the (person, national id) pairs whose lookup this store has
	// written: a commit of persons whose numbers did not change seals,
	// hashes and writes nothing for them. pending are the pairs of the
	// commit being written, indexed once it is stored.
	seals   map[sealKey][]byte
	indexed map[sealKey]bool
	pending []sealKey

	ckpt checkpointer
}

var (
	_ om.Store       = (*ModelStore)(nil)
	_ om.StateLoader = (*ModelStore)(nil)
)

// Model returns a new store of the org model over db, for one Model.
func (db *DB) Model() *ModelStore {
	s := &ModelStore{db: db}
	s.ckpt.s = s
	db.onClose(s.Close)
	return s
}

func (s *ModelStore) where() string { return s.db.where }

// state reads the position of the log, once. The caller holds s.mu.
func (s *ModelStore) state(ctx context.Context) error {
	if s.closed || s.db.isClosed() {
		return &Error{Kind: ErrClosed, Where: s.where(), Op: "model"}
	}
	if s.loaded {
		return nil
	}
	var seq, last int64
	err := s.db.read(ctx, "model", func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0), COALESCE(MAX(last_event), 0) FROM model_commits`).Scan(&seq, &last)
	})
	if err != nil {
		return err
	}
	s.next, s.lastEvent, s.loaded = uint64(seq)+1, uint64(last), true
	s.indexed = make(map[sealKey]bool)
	return nil
}

// Commit stores c in one transaction. A transient failure (the database
// restarting, a dropped connection) is retried with backoff until ctx
// ends or a minute has passed; a failure that may have committed anyway
// is resolved by reading the commit back, so a commit is stored once or
// not at all, and an error means it is not stored.
func (s *ModelStore) Commit(ctx context.Context, c om.Commit) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.state(ctx); err != nil {
		return err
	}
	seq := s.next
	if s.uncertain {
		landed, err := s.landed(ctx, seq, nil)
		if err != nil {
			return err
		}
		if landed {
			return &Error{Kind: ErrStale, Where: s.where(), Op: "commit", Err: fmt.Errorf("commit %d is stored but the model did not see it succeed; reopen the model", seq)}
		}
		s.uncertain = false
	}
	if s.seals == nil {
		s.seals = make(map[sealKey][]byte)
	}
	blob := encodeVersionsSealed(s.db.key, s.seals, c.Versions)
	last := s.lastEvent
	for _, e := range c.Events {
		last = max(last, e.Seq)
	}
	err := retry(ctx, func() error {
		return s.db.write(ctx, "commit", func(tx *sql.Tx) error { return s.insert(ctx, tx, seq, c, blob, last) })
	}, func() (bool, error) { return s.landed(ctx, seq, blob) })
	if err != nil {
		if errors.Is(err, ErrTransient) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			// The last attempt may have committed before the error.
			s.uncertain = true
		}
		if isConflict(err) {
			return &Error{Kind: ErrStale, Where: s.where(), Op: "commit", Err: fmt.Errorf("commit %d already exists: another writer, or a model opened before it; reopen the model", seq)}
		}
		return err
	}
	s.next, s.lastEvent = seq+1, last
	for _, k := range s.pending {
		s.indexed[k] = true
	}
	s.pending = nil
	s.ckpt.committed(seq)
	return nil
}

// landed reports whether commit seq is stored; with blob, whether it is
// stored with those versions (the retried commit, not another).
func (s *ModelStore) landed(ctx context.Context, seq uint64, blob []byte) (bool, error) {
	var got []byte
	err := s.db.read(ctx, "commit", func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT versions FROM model_commits WHERE seq = $1`, int64(seq)).Scan(&got)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return blob == nil || bytes.Equal(got, blob), nil
}

// isConflict reports a unique-key violation: the commit's seq or
// registration is taken.
func isConflict(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "UNIQUE constraint failed") || strings.Contains(msg, "SQLSTATE 23505")
}

// chunksPerInsert is how many event chunks one INSERT carries.
const chunksPerInsert = 64

// insertEvents stores a commit's events in chunks, many chunks to a
// statement: on PostgreSQL each statement is a round trip.
func (s *ModelStore) insertEvents(ctx context.Context, tx *sql.Tx, seq uint64, evs []om.Event) error {
	for i := 1; i < len(evs); i++ {
		if evs[i].Seq != evs[i-1].Seq+1 {
			return &Error{Kind: ErrInvalid, Where: s.where(), Op: "commit", Err: fmt.Errorf("event %d follows %d", evs[i].Seq, evs[i-1].Seq)}
		}
	}
	var q strings.Builder
	var args []any
	for len(evs) > 0 {
		q.Reset()
		args = args[:0]
		q.WriteString(`INSERT INTO model_events (first_seq, last_seq, commit_seq, events) VALUES `)
		for n := 0; n < chunksPerInsert && len(evs) > 0; n++ {
			chunk := evs[:min(eventChunk, len(evs))]
			evs = evs[len(chunk):]
			if n > 0 {
				q.WriteByte(',')
			}
			k := len(args)
			fmt.Fprintf(&q, "(%s,%s,%s,%s)", s.db.d.param(k+1), s.db.d.param(k+2), s.db.d.param(k+3), s.db.d.param(k+4))
			args = append(args, int64(chunk[0].Seq), int64(chunk[len(chunk)-1].Seq), int64(seq), encodeEvents(chunk))
		}
		if _, err := tx.ExecContext(ctx, q.String(), args...); err != nil {
			return err
		}
	}
	return nil
}

// lookupBatch is how many national-id lookups one INSERT carries.
const lookupBatch = 500

// insertLookups writes the keyed hashes of the national ids in vs that
// this store has not written before (a pair written by an earlier
// process is skipped by the table's key), one statement per batch, with
// placeholders as the dialect binds them fastest.
func (s *ModelStore) insertLookups(ctx context.Context, tx *sql.Tx, vs []om.Version) error {
	s.pending = s.pending[:0]
	inCommit := map[sealKey]bool{}
	var q strings.Builder
	args := make([]any, 0, 2*lookupBatch)
	flush := func() error {
		if len(args) == 0 {
			return nil
		}
		q.Reset()
		q.WriteString(`INSERT INTO model_national_ids (lookup, person) VALUES `)
		for i := 0; i < len(args); i += 2 {
			if i > 0 {
				q.WriteByte(',')
			}
			fmt.Fprintf(&q, "(%s,%s)", s.db.d.param(i+1), s.db.d.param(i+2))
		}
		q.WriteString(` ON CONFLICT DO NOTHING`)
		_, err := tx.ExecContext(ctx, q.String(), args...)
		args = args[:0]
		return err
	}
	for _, v := range vs {
		if v.Deleted || v.Object.Kind != om.KindPerson {
			continue
		}
		for sp := range v.Object.Timeline.All() {
			a, ok := sp.Value.(om.PersonAttrs)
			k := sealKey{v.Object.ID, a.NationalID}
			if !ok || a.NationalID.IsZero() || s.indexed[k] || inCommit[k] {
				continue
			}
			inCommit[k] = true
			s.pending = append(s.pending, k)
			if args = append(args, s.db.key.lookup(a.NationalID), v.Object.ID[:]); len(args) == 2*lookupBatch {
				if err := flush(); err != nil {
					return err
				}
			}
		}
	}
	return flush()
}

func (s *ModelStore) insert(ctx context.Context, tx *sql.Tx, seq uint64, c om.Commit, blob []byte, last uint64) error {
	var reg, at, actor, note any
	if r := c.Registration; r != nil {
		reg, at, actor, note = int64(r.Seq), r.Time.UTC().Format(time.RFC3339Nano), r.Actor, r.Note
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO model_commits (seq, registration, registered_at, actor, note, scheduled, last_event, versions)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, int64(seq), reg, at, actor, note, int64(c.Scheduled), int64(last), blob); err != nil {
		return err
	}
	if err := s.insertEvents(ctx, tx, seq, c.Events); err != nil {
		return err
	}
	if err := s.insertLookups(ctx, tx, c.Versions); err != nil {
		return err
	}
	s.db.hooksMu.RLock()
	hooks := s.db.hooks
	s.db.hooksMu.RUnlock()
	for _, h := range hooks {
		if err := h(ctx, tx, c); err != nil {
			return err
		}
	}
	return nil
}

// CommitHook runs in the transaction of each org-model commit, after the
// commit's rows are written: what it writes is stored with the commit or
// not at all, and an error from it fails the commit (the model does not
// advance). The mail outbox queues the messages a registration causes
// this way, so that no message is lost or sent for a registration that
// did not happen. A hook must be idempotent: a commit whose transaction
// failed is retried.
type CommitHook func(ctx context.Context, tx *sql.Tx, c om.Commit) error

// OnModelCommit adds a hook to every commit of the org model's stores on
// db. Add hooks before the model commits.
func (db *DB) OnModelCommit(h CommitHook) {
	db.hooksMu.Lock()
	defer db.hooksMu.Unlock()
	db.hooks = append(db.hooks, h)
}

// PersonsByNationalID returns the persons that held the national id in
// some version, found by its keyed hash: nothing is decrypted.
func (s *ModelStore) PersonsByNationalID(ctx context.Context, c om.CPR) ([]uuid.UUID, error) {
	var ids []uuid.UUID
	err := s.db.read(ctx, "national id lookup", func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT person FROM model_national_ids WHERE lookup = $1 ORDER BY person`, s.db.key.lookup(c))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var b []byte
			if err := rows.Scan(&b); err != nil {
				return err
			}
			id, err := uuid.FromBytes(b)
			if err != nil {
				return err
			}
			ids = append(ids, id)
		}
		return rows.Err()
	})
	return ids, err
}

// commitRow is one row of model_commits.
type commitRow struct {
	seq       uint64
	reg       sql.NullInt64
	at        sql.NullString
	actor     sql.NullString
	note      sql.NullString
	scheduled int64
	lastEvent int64
	versions  []byte
}

// registration returns the row's registration, or nil.
func (r *commitRow) registration() (*om.Registration, error) {
	if !r.reg.Valid {
		return nil, nil
	}
	t, err := time.Parse(time.RFC3339Nano, r.at.String)
	if err != nil {
		return nil, fmt.Errorf("commit %d: registration time %q: %w", r.seq, r.at.String, err)
	}
	return &om.Registration{Seq: uint64(r.reg.Int64), Time: t, Actor: r.actor.String, Note: r.note.String}, nil
}

// loadBatch is how many commits Load reads per query.
const loadBatch = 64

// commits reads the commit rows after seq (with registrations only, if
// regsOnly), up to loadBatch of them.
func commits(ctx context.Context, tx *sql.Tx, after uint64, regsOnly bool) ([]commitRow, error) {
	q := `SELECT seq, registration, registered_at, actor, note, scheduled, last_event, versions FROM model_commits WHERE seq > $1`
	if regsOnly {
		q += ` AND registration IS NOT NULL`
	}
	rows, err := tx.QueryContext(ctx, q+` ORDER BY seq LIMIT $2`, int64(after), loadBatch)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []commitRow
	for rows.Next() {
		var r commitRow
		var seq int64
		if err := rows.Scan(&seq, &r.reg, &r.at, &r.actor, &r.note, &r.scheduled, &r.lastEvent, &r.versions); err != nil {
			return nil, err
		}
		r.seq = uint64(seq)
		out = append(out, r)
	}
	return out, rows.Err()
}

// decode makes a Commit of a row, without events.
func (s *ModelStore) decode(d *decoder, r *commitRow) (om.Commit, error) {
	reg, err := r.registration()
	if err != nil {
		return om.Commit{}, s.corrupt(err)
	}
	c := om.Commit{Registration: reg, Scheduled: timeline.Date(r.scheduled)}
	var rv om.Registration
	if reg != nil {
		rv = *reg
	}
	if c.Versions, err = d.decodeVersions(r.versions, rv); err != nil {
		return om.Commit{}, s.corrupt(fmt.Errorf("commit %d: %w", r.seq, err))
	}
	if len(c.Versions) == 0 {
		c.Versions = nil
	}
	return c, nil
}

func (s *ModelStore) corrupt(err error) error {
	if errors.Is(err, errSealed) {
		return &Error{Kind: ErrKey, Where: s.where(), Op: "load", Err: err}
	}
	return &Error{Kind: ErrCorrupt, Where: s.where(), Op: "load", Err: err}
}

// Load calls fn with every commit, oldest first, events included, from
// one consistent snapshot of the database.
func (s *ModelStore) Load(ctx context.Context, fn func(om.Commit) error) error {
	if err := s.open(); err != nil {
		return err
	}
	var fnErr error
	err := s.db.read(ctx, "load", func(tx *sql.Tx) error {
		d := newDecoder(s.db.key)
		var after, prevLast uint64
		for {
			rows, err := commits(ctx, tx, after, false)
			if err != nil || len(rows) == 0 {
				return err
			}
			evs, err := events(ctx, tx, prevLast, uint64(rows[len(rows)-1].lastEvent))
			if err != nil {
				return err
			}
			for i := range rows {
				c, err := s.decode(d, &rows[i])
				if err != nil {
					return err
				}
				n := 0
				for n < len(evs) && evs[n].Seq <= uint64(rows[i].lastEvent) {
					n++
				}
				if n > 0 {
					c.Events, evs = evs[:n:n], evs[n:]
				}
				if err := ctx.Err(); err != nil {
					return err
				}
				if fnErr = fn(c); fnErr != nil {
					return fnErr
				}
			}
			after, prevLast = rows[len(rows)-1].seq, uint64(rows[len(rows)-1].lastEvent)
		}
	})
	if fnErr != nil {
		return fnErr
	}
	return err
}

// open fails if the store or its database is closed.
func (s *ModelStore) open() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed || s.db.isClosed() {
		return &Error{Kind: ErrClosed, Where: s.where(), Op: "model"}
	}
	return nil
}

// events reads the events with after < Seq <= upto, which are whole
// chunks (the events of whole commits).
func events(ctx context.Context, tx *sql.Tx, after, upto uint64) ([]om.Event, error) {
	rows, err := tx.QueryContext(ctx, `SELECT events FROM model_events WHERE first_seq > $1 AND first_seq <= $2 ORDER BY first_seq`, int64(after), int64(upto))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []om.Event
	for rows.Next() {
		var blob []byte
		if err := rows.Scan(&blob); err != nil {
			return nil, err
		}
		evs, err := decodeEvents(blob)
		if err != nil {
			return nil, fmt.Errorf("events after %d: %w", after, err)
		}
		out = append(out, evs...)
	}
	return out, rows.Err()
}

// Events returns up to limit events after the position.
func (s *ModelStore) Events(ctx context.Context, after uint64, limit int) ([]om.Event, error) {
	if err := s.open(); err != nil {
		return nil, err
	}
	if limit <= 0 {
		return nil, ctx.Err()
	}
	var out []om.Event
	err := s.db.read(ctx, "events", func(tx *sql.Tx) error {
		for pos := after; len(out) < limit; {
			// A few chunks at a time: a chunk holds from 1 to 256.
			rows, err := tx.QueryContext(ctx, `SELECT last_seq, events FROM model_events WHERE last_seq > $1 ORDER BY last_seq LIMIT 8`, int64(pos))
			if err != nil {
				return err
			}
			n := 0
			for rows.Next() && len(out) < limit {
				n++
				var last int64
				var blob []byte
				if err := rows.Scan(&last, &blob); err != nil {
					rows.Close()
					return err
				}
				evs, err := decodeEvents(blob)
				if err != nil {
					rows.Close()
					return s.corrupt(fmt.Errorf("events after %d: %w", pos, err))
				}
				for _, e := range evs {
					if e.Seq > after && len(out) < limit {
						out = append(out, e)
					}
				}
				pos = uint64(last)
			}
			if err := rows.Close(); err != nil {
				return err
			}
			if n < 8 {
				break
			}
		}
		return nil
	})
	return out, err
}

// Cursor returns a subscriber's acknowledged position.
func (s *ModelStore) Cursor(ctx context.Context, name string) (uint64, error) {
	if err := s.open(); err != nil {
		return 0, err
	}
	var pos int64
	err := s.db.read(ctx, "cursor", func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT pos FROM model_cursors WHERE name = $1`, name).Scan(&pos)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		return err
	})
	return uint64(pos), err
}

// SetCursor records a subscriber's position, never moving it backwards.
func (s *ModelStore) SetCursor(ctx context.Context, name string, pos uint64) error {
	if err := s.open(); err != nil {
		return err
	}
	return retry(ctx, func() error {
		return s.db.write(ctx, "cursor", func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO model_cursors (name, pos) VALUES ($1, $2)
				ON CONFLICT (name) DO UPDATE SET pos = excluded.pos WHERE excluded.pos > model_cursors.pos`, name, int64(pos))
			return err
		})
	}, nil)
}

// Close waits for a checkpoint being written and closes the store (not
// the database).
func (s *ModelStore) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	s.mu.Unlock()
	s.ckpt.wait()
	return nil
}
