package promote

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// Lock file names: inside .git when the repository has a .git directory
// (git never looks at it), else at the root.
const (
	gitLockFile  = ".git/ferry-apply.lock"
	rootLockFile = ".ferry-apply.lock"
)

// lockRepo takes the repository's apply lock, so that two applies never
// interleave their checks and writes. The lock is a file, removed on
// release: where the system has flock, an advisory lock on it, which the
// kernel releases when the process dies, even by kill -9; elsewhere its
// exclusive creation, which a killed process leaves behind. It does not
// wait: a second apply fails with ErrLocked naming the process holding it.
func lockRepo(r *os.Root) (release func(), err error) {
	name := rootLockFile
	if info, err := r.Lstat(".git"); err == nil && info.IsDir() {
		name = gitLockFile
	}
	for range 10 {
		f, err := lockFile(r, name)
		if err != nil {
			if errors.Is(err, errWouldBlock) {
				holder, _ := r.ReadFile(name)
				pid := strings.TrimSpace(string(holder))
				if _, perr := strconv.Atoi(pid); perr != nil {
					pid = "unknown"
				}
				return nil, &ApplyError{File: name, Err: fmt.Errorf("%w (lock held by process %s); wait for it to finish and apply again", ErrLocked, pid)}
			}
			return nil, &ApplyError{File: name, Err: fmt.Errorf("take the apply lock: %w", err)}
		}
		// The holder before us may have removed the file between our open
		// and our lock: then we locked a file nobody else sees; try again.
		held, err1 := f.Stat()
		now, err2 := r.Lstat(name)
		if err1 != nil || err2 != nil || !os.SameFile(held, now) {
			_ = f.Close()
			continue
		}
		_ = f.Truncate(0)
		_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
		return func() {
			_ = r.Remove(name) // before unlocking, so no one locks a removed file
			_ = unlockFile(f)
			_ = f.Close()
		}, nil
	}
	return nil, &ApplyError{File: name, Err: fmt.Errorf("%w: the lock file keeps changing", ErrLocked)}
}
