package auth

import (
	"strings"
	"sync"
	"time"
)

// Throttling of failed logins: after maxFailures failures for one username
// within failureWindow of the first, logins for it are refused until that
// window ends. It slows password guessing without locking the account in
// AD (where a lockout policy, if any, still applies on its own).
const (
	maxFailures   = 5
	failureWindow = 15 * time.Minute
	// sweepAbove is the number of tracked usernames above which expired
	// windows are dropped, bounding memory under a spray of names.
	sweepAbove = 10000
)

// throttle counts failed logins per username, in memory: each instance of
// the service counts its own.
type throttle struct {
	now func() time.Time

	mu      sync.Mutex
	windows map[string]*failures
}

type failures struct {
	first time.Time
	count int
}

func newThrottle(now func() time.Time) *throttle {
	return &throttle{now: now, windows: make(map[string]*failures)}
}

// key folds case, as AD compares usernames.
func throttleKey(username string) string { return strings.ToLower(username) }

// blocked reports whether username has used up its failures.
func (t *throttle) blocked(username string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	f, ok := t.windows[throttleKey(username)]
	if !ok {
		return false
	}
	if t.expired(f) {
		delete(t.windows, throttleKey(username))
		return false
	}
	return f.count >= maxFailures
}

// fail records a failed login for username.
func (t *throttle) fail(username string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	k := throttleKey(username)
	f, ok := t.windows[k]
	if !ok || t.expired(f) {
		if len(t.windows) >= sweepAbove {
			t.sweep()
		}
		f = &failures{first: t.now()}
		t.windows[k] = f
	}
	f.count++
}

// succeed forgets username's failures.
func (t *throttle) succeed(username string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.windows, throttleKey(username))
}

func (t *throttle) expired(f *failures) bool {
	return !t.now().Before(f.first.Add(failureWindow))
}

func (t *throttle) sweep() {
	for k, f := range t.windows {
		if t.expired(f) {
			delete(t.windows, k)
		}
	}
}
