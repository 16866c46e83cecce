package service

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/orgsync/orgsync/chapel"
)

// A run the chapel's breaker held back is marked so, a failure's text has
// its national ids masked, and a success clears both.
func TestStatusBoard(t *testing.T) {
	var b statusBoard
	now := time.Now()
	b.record("reconcile", now, now, "", fmt.Errorf("the run: %w", chapel.ErrBreaker))
	b.record("source sd", now, now, "", errors.New("person 0101801234: no unit"))
	jobs := b.list()
	assert.Equal(t, "reconcile", jobs[0].Job)
	assert.True(t, jobs[0].Breaker)
	assert.False(t, jobs[1].Breaker)
	assert.NotContains(t, jobs[1].Error, "0101801234")
	assert.Equal(t, 1, jobs[1].Failures)
	b.record("reconcile", now, now, "0 operation(s), 0 failed", nil)
	j := b.list()[0]
	assert.False(t, j.Breaker)
	assert.Empty(t, j.Error)
	assert.Equal(t, 2, j.Runs)
	assert.Equal(t, now, j.LastOK)
}
