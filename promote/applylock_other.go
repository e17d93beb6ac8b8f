//go:build !unix

package promote

import (
	"errors"
	"io/fs"
	"os"
)

// errWouldBlock is what lockFile returns when the lock file exists.
var errWouldBlock = errors.New("lock held")

const openNonBlock = 0

// lockFile creates name exclusively: without flock, the file's existence
// is the lock (a killed apply leaves it behind; remove it by hand).
func lockFile(r *os.Root, name string) (*os.File, error) {
	f, err := r.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, fs.ErrExist) {
		return nil, errWouldBlock
	}
	return f, err
}

func unlockFile(*os.File) error { return nil }
