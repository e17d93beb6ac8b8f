package main

import (
	"bytes"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/ferrygitops/ferry/promote"
	"github.com/ferrygitops/ferry/render"
)

// TestProgressLine: nothing on a pipe or with --quiet; on a terminal,
// nothing in the first second, then one line rewritten in place, at most
// every tick, cleared at the end.
func TestProgressLine(t *testing.T) {
	assert.Nil(t, newProgress(&bytes.Buffer{}, false), "not a terminal")
	r, w, err := os.Pipe()
	if err == nil {
		assert.Nil(t, newProgress(w, false), "a pipe is no terminal")
		_ = r.Close()
		_ = w.Close()
	}
	var nilLine *progressLine
	nilLine.show("no panic")
	nilLine.done()

	var buf bytes.Buffer
	p := &progressLine{w: &buf, start: time.Now(), every: time.Hour}
	p.render(render.Progress{Dir: "envs/production", Built: 1, Total: 10})
	assert.Empty(t, buf.String(), "quiet during the first second")
	p.start = time.Now().Add(-2 * time.Second)
	p.render(render.Progress{Dir: "envs/production", Built: 2, Total: 10})
	p.render(render.Progress{Dir: "envs/production", Built: 3, Total: 10})
	assert.Equal(t, "\r\033[Krendering envs/production: 2/10 builds", buf.String(), "one update per tick")
	p.last = time.Time{}
	p.plan(promote.Progress{Phase: promote.PhaseVerify, Progress: render.Progress{Dir: "clusters/production", Built: 4}})
	assert.Contains(t, buf.String(), "\r\033[Krendering after the edits clusters/production: 4 Kustomizations")
	p.last = time.Time{}
	p.plan(promote.Progress{Phase: promote.PhaseCheck, Progress: render.Progress{Dir: "envs/production"}})
	assert.Contains(t, buf.String(), "checking envs/production")
	p.done()
	assert.True(t, bytes.HasSuffix(buf.Bytes(), []byte("\r\033[K")), "cleared")
}
