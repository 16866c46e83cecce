package adtest

import (
	"fmt"
	"os"
	"syscall"
)

// fileLock is an exclusive flock(2) lock on a file. The kernel drops it when
// every descriptor of the open file is closed, which includes the death of
// every process that holds one: a crashed test binary never leaves a stale
// lock behind.
type fileLock struct{ f *os.File }

// lockFile blocks until it holds the exclusive lock on path.
func lockFile(path string) (*fileLock, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return &fileLock{f}, nil
}

// tryLockFile takes the lock on path if nobody holds it; ok is false if
// somebody does.
func tryLockFile(path string) (l *fileLock, ok bool, err error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, false, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if err == syscall.EWOULDBLOCK {
			return nil, false, nil
		}
		return nil, false, fmt.Errorf("lock %s: %w", path, err)
	}
	return &fileLock{f}, true, nil
}

// unlock releases the lock (for this process; a child that inherited the
// descriptor keeps holding it until it exits).
func (l *fileLock) unlock() error { return l.f.Close() }
