//go:build unix

package promote

import (
	"errors"
	"os"
	"syscall"
)

// errWouldBlock is what lockFile returns when another process holds the lock.
var errWouldBlock = syscall.EWOULDBLOCK

// openNonBlock opens FIFOs and devices without waiting for a writer, so
// that Apply can refuse them instead of hanging.
const openNonBlock = syscall.O_NONBLOCK

// lockFile opens name and takes an exclusive flock on it, without waiting.
func lockFile(r *os.Root, name string) (*os.File, error) {
	f, err := r.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	for {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if !errors.Is(err, syscall.EINTR) {
			break
		}
	}
	if err != nil {
		_ = f.Close()
		return nil, err
	}
	return f, nil
}

func unlockFile(f *os.File) error { return syscall.Flock(int(f.Fd()), syscall.LOCK_UN) }
