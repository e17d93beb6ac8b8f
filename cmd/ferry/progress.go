package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/ferrygitops/ferry/promote"
	"github.com/ferrygitops/ferry/render"
)

// progressLine shows how far long work has come on one line of a terminal:
// nothing during the first second (short commands stay silent), then at
// most ten updates a second, cleared when the work is done.
type progressLine struct {
	w     io.Writer
	start time.Time
	every time.Duration

	mu    sync.Mutex
	last  time.Time
	shown bool
}

// newProgress returns a progress line on w, or nil when w is not a
// terminal, TERM is dumb, or quiet is set: on a pipe and in CI logs, long
// work prints nothing.
func newProgress(w io.Writer, quiet bool) *progressLine {
	f, ok := w.(*os.File)
	if quiet || !ok || os.Getenv("TERM") == "dumb" {
		return nil
	}
	if info, err := f.Stat(); err != nil || info.Mode()&os.ModeCharDevice == 0 {
		return nil
	}
	return &progressLine{w: w, start: time.Now(), every: 100 * time.Millisecond}
}

// show replaces the line with msg, unless it is too early or too soon.
func (p *progressLine) show(msg string) {
	if p == nil {
		return
	}
	now := time.Now()
	p.mu.Lock()
	defer p.mu.Unlock()
	if now.Sub(p.start) < time.Second || now.Sub(p.last) < p.every {
		return
	}
	p.last, p.shown = now, true
	fmt.Fprintf(p.w, "\r\033[K%s", msg)
}

// done clears the line.
func (p *progressLine) done() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.shown {
		fmt.Fprint(p.w, "\r\033[K")
		p.shown = false
	}
}

// render reports a render's progress.
func (p *progressLine) render(r render.Progress) {
	p.show(renderProgress("rendering", r))
}

// plan reports a plan's progress.
func (p *progressLine) plan(pr promote.Progress) {
	switch pr.Phase {
	case promote.PhaseCheck:
		p.show(fmt.Sprintf("checking %s", pr.Dir))
	case promote.PhaseVerify:
		p.show(renderProgress("rendering after the edits", pr.Progress))
	default:
		p.show(renderProgress("rendering", pr.Progress))
	}
}

func renderProgress(what string, r render.Progress) string {
	if r.Total > 0 {
		return fmt.Sprintf("%s %s: %d/%d builds", what, r.Dir, r.Built, r.Total)
	}
	return fmt.Sprintf("%s %s: %d Kustomizations", what, r.Dir, r.Built)
}
