package outbox

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/orgsync/orgsync/connectors"
)

// Hold keeps the notices with new keys.
func (s *MemStore) Hold(ctx context.Context, notices ...Held) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	if err := CheckHeld(notices); err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, h := range notices {
		if _, ok := s.held[h.Message.Key]; ok {
			continue
		}
		h.Message = h.Message.Clone()
		s.held[h.Message.Key] = &heldNotice{Held: h}
		n++
	}
	return n, nil
}

// Ready returns the groups whose earliest notice is due.
func (s *MemStore) Ready(ctx context.Context, now time.Time, limit int) ([][]Held, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	groups := map[string][]Held{}
	for _, h := range s.held {
		if !h.released {
			c := h.Held
			c.Message = h.Message.Clone()
			groups[h.Group] = append(groups[h.Group], c)
		}
	}
	var out [][]Held
	for _, g := range groups {
		slices.SortFunc(g, compareHeld)
		if !g[0].Due.After(now) {
			out = append(out, g)
		}
	}
	slices.SortFunc(out, func(a, b []Held) int { return cmp.Or(a[0].Due.Compare(b[0].Due), cmp.Compare(a[0].Group, b[0].Group)) })
	if len(out) > limit {
		out = out[:max(limit, 0)]
	}
	return out, ctx.Err()
}

// compareHeld orders notices by when they are due, then when held, then
// by key: the order Ready promises.
func compareHeld(a, b Held) int {
	return cmp.Or(a.Due.Compare(b.Due), a.HeldAt.Compare(b.HeldAt), cmp.Compare(a.Message.Key, b.Message.Key))
}

// Release queues the digest and marks its notices released.
func (s *MemStore) Release(ctx context.Context, at time.Time, msg connectors.Message, keys ...string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := connectors.CheckMessage(&msg); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, k := range keys {
		if h, ok := s.held[k]; !ok || h.released {
			return fmt.Errorf("%w: no notice %q is held", ErrUnknownKey, k)
		}
	}
	for _, k := range keys {
		s.held[k].released = true
	}
	s.enqueue(at, []connectors.Message{msg})
	return nil
}
