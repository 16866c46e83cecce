package statedb

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"sync"
	"time"

	om "github.com/orgsync/orgsync/orgmodel"
	"github.com/orgsync/orgsync/orgmodel/timeline"
)

// A checkpoint is the registrations of commits 1..n, compacted: segments
// of consecutive commits, each one row holding the commits' registrations
// and their versions blobs as they were stored, without the events (the
// model needs every registration, being bitemporal, but not the delivered
// events). Segments only ever get added after the last one, so writing a
// checkpoint costs the commits since the previous one; when there are
// more than maxSegments, they are merged into one.
const (
	segmentFormat = 1
	maxSegments   = 8
)

// checkpointer writes checkpoints in the background, one at a time.
type checkpointer struct {
	s       *ModelStore
	mu      sync.Mutex
	covered uint64 // last commit known to be in a segment; 0 before the first look
	running bool
	wg      sync.WaitGroup
}

// committed is told of each commit; it starts a checkpoint when enough
// have passed since the last.
func (c *checkpointer) committed(seq uint64) {
	every := c.s.db.opts.CheckpointEvery
	if every < 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.running || seq-c.covered < uint64(every) {
		return
	}
	c.running = true
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		defer cancel()
		start := time.Now()
		n, err := c.s.Checkpoint(ctx)
		if err != nil {
			c.s.db.log.Warn("checkpoint failed; the model loads from the commits until the next one succeeds", "db", c.s.where(), "error", err)
		} else {
			c.s.db.log.Debug("checkpoint written", "db", c.s.where(), "through", n, "took", time.Since(start))
		}
		c.mu.Lock()
		c.running = false
		c.mu.Unlock()
	}()
}

func (c *checkpointer) wait() { c.wg.Wait() }

// Checkpoint adds the commits since the last checkpoint to it now, and
// returns the last commit it covers. Hosts need not call it: the store
// writes checkpoints by itself every Options.CheckpointEvery commits.
func (s *ModelStore) Checkpoint(ctx context.Context) (uint64, error) {
	s.db.checkpointing.Lock()
	defer s.db.checkpointing.Unlock()
	var through uint64
	err := s.db.write(ctx, "checkpoint", func(tx *sql.Tx) error {
		var covered, segments, last int64
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(last_commit), 0), COUNT(*) FROM model_checkpoints`).Scan(&covered, &segments); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) FROM model_commits`).Scan(&last); err != nil {
			return err
		}
		through = uint64(covered)
		if last > covered {
			seg, err := s.segment(ctx, tx, uint64(covered), uint64(last))
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO model_checkpoints (first_commit, last_commit, data) VALUES ($1, $2, $3)`, covered+1, last, seg); err != nil {
				return err
			}
			through, segments = uint64(last), segments+1
		}
		if segments > maxSegments {
			return s.merge(ctx, tx)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	s.ckpt.mu.Lock()
	s.ckpt.covered = max(s.ckpt.covered, through)
	s.ckpt.mu.Unlock()
	return through, nil
}

// segment encodes the registrations of commits after..upto.
func (s *ModelStore) segment(ctx context.Context, tx *sql.Tx, after, upto uint64) ([]byte, error) {
	var n uint64
	var body encoder
	for after < upto {
		rows, err := commits(ctx, tx, after, false)
		if err != nil {
			return nil, err
		}
		if len(rows) == 0 {
			break
		}
		for _, r := range rows {
			after = r.seq
			if r.seq > upto {
				break
			}
			if !r.reg.Valid {
				continue
			}
			n++
			body.segmentCommit(&r)
		}
	}
	return segmentBlob(n, body.b), nil
}

// segmentCommit appends one commit's registration and versions.
func (e *encoder) segmentCommit(r *commitRow) {
	e.uvarint(r.seq)
	e.uvarint(uint64(r.reg.Int64))
	e.str(r.at.String)
	e.str(r.actor.String)
	e.str(r.note.String)
	e.bytes(r.versions)
}

// segmentBlob frames n commits' encodings as a segment.
func segmentBlob(n uint64, body []byte) []byte {
	e := &encoder{b: make([]byte, 0, len(body)+16)}
	e.byte(segmentFormat)
	e.uvarint(n)
	e.b = append(e.b, body...)
	return appendCRC(e.b)
}

// readSegment calls fn with each commit of a segment.
func readSegment(data []byte, fn func(*commitRow) error) error {
	if len(data) < 5 {
		return errFormat
	}
	body, sum := data[:len(data)-4], binary.LittleEndian.Uint32(data[len(data)-4:])
	if crc32.Checksum(body, crcTable) != sum {
		return errors.New("checksum mismatch")
	}
	if body[0] != segmentFormat {
		return fmt.Errorf("checkpoint in format %d, which this orgsync cannot read", body[0])
	}
	d := &decoder{b: body[1:]}
	n := d.uvarint()
	for range n {
		r := commitRow{seq: d.uvarint()}
		r.reg = sql.NullInt64{Int64: int64(d.uvarint()), Valid: true}
		r.at = sql.NullString{String: string(d.bytes()), Valid: true}
		r.actor = sql.NullString{String: string(d.bytes()), Valid: true}
		r.note = sql.NullString{String: string(d.bytes()), Valid: true}
		r.versions = d.bytes()
		if d.err != nil {
			return d.err
		}
		if err := fn(&r); err != nil {
			return err
		}
	}
	if d.err != nil || len(d.b) != 0 {
		return errFormat
	}
	return nil
}

// merge rewrites every segment as one.
func (s *ModelStore) merge(ctx context.Context, tx *sql.Tx) error {
	var last int64
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(last_commit), 0) FROM model_checkpoints`).Scan(&last); err != nil {
		return err
	}
	var n uint64
	var body encoder
	err := eachSegment(ctx, tx, func(first, _ uint64, data []byte) error {
		return readSegment(data, func(r *commitRow) error {
			n++
			body.segmentCommit(r)
			return nil
		})
	})
	if err != nil {
		return s.corrupt(fmt.Errorf("checkpoint: %w", err))
	}
	seg := segmentBlob(n, body.b)
	if _, err := tx.ExecContext(ctx, `DELETE FROM model_checkpoints`); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO model_checkpoints (first_commit, last_commit, data) VALUES (1, $1, $2)`, last, seg)
	return err
}

// eachSegment calls fn with each segment in order, checking that they
// follow each other without gaps from commit 1. It reads one row per
// query, so that a big segment is the only one in memory.
func eachSegment(ctx context.Context, tx *sql.Tx, fn func(first, last uint64, data []byte) error) error {
	var prev uint64
	for {
		var first, last int64
		var data []byte
		err := tx.QueryRowContext(ctx, `SELECT first_commit, last_commit, data FROM model_checkpoints WHERE first_commit > $1 ORDER BY first_commit LIMIT 1`, int64(prev)).Scan(&first, &last, &data)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		if uint64(first) != prev+1 || last < first {
			return fmt.Errorf("checkpoint segment %d..%d does not follow commit %d", first, last, prev)
		}
		if err := fn(uint64(first), uint64(last), data); err != nil {
			return err
		}
		prev = uint64(last)
	}
}

// LoadState calls fn with every registration's commit, oldest first,
// from the checkpoint and then the commits after it, without events; it
// returns the last event's Seq and the last day the scheduler fired.
func (s *ModelStore) LoadState(ctx context.Context, fn func(om.Commit) error) (uint64, timeline.Date, error) {
	if err := s.open(); err != nil {
		return 0, 0, err
	}
	var lastEvent, sched int64
	var fnErr error
	call := func(d *decoder, r *commitRow) error {
		c, err := s.decode(d, r)
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		fnErr = fn(c)
		return fnErr
	}
	err := s.db.read(ctx, "load", func(tx *sql.Tx) error {
		d := newDecoder(s.db.key)
		var covered uint64
		err := eachSegment(ctx, tx, func(_, last uint64, data []byte) error {
			covered = last
			err := readSegment(data, func(r *commitRow) error { return call(d, r) })
			if err != nil && fnErr == nil && !isTyped(err) {
				return s.corrupt(fmt.Errorf("checkpoint: %w", err))
			}
			return err
		})
		if err != nil {
			return err
		}
		for after := covered; ; {
			rows, err := commits(ctx, tx, after, true)
			if err != nil {
				return err
			}
			if len(rows) == 0 {
				break
			}
			for i := range rows {
				if err := call(d, &rows[i]); err != nil {
					return err
				}
			}
			after = rows[len(rows)-1].seq
		}
		return tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(last_event), 0), COALESCE(MAX(scheduled), 0) FROM model_commits`).Scan(&lastEvent, &sched)
	})
	if fnErr != nil {
		return 0, 0, fnErr
	}
	if err != nil {
		return 0, 0, err
	}
	return uint64(lastEvent), timeline.Date(sched), nil
}

func isTyped(err error) bool {
	var e *Error
	return errors.As(err, &e) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}
