package yamledit_test

import (
	"bytes"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden compares got with the golden file, rewriting it under -update.
func golden(t *testing.T, file string, got []byte) {
	t.Helper()
	if *update {
		require.NoError(t, os.WriteFile(file, got, 0o644))
	}
	want, err := os.ReadFile(file)
	require.NoError(t, err, "run go test ./internal/yamledit -update to create the golden file")
	require.Equal(t, string(want), string(got))
}

func readFile(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return data
}

// decodeAll decodes every document of data the way a consumer would, with
// aliases and merge keys resolved.
func decodeAll(t *testing.T, data []byte) []any {
	t.Helper()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var docs []any
	for {
		var v any
		err := dec.Decode(&v)
		if errors.Is(err, io.EOF) {
			return docs
		}
		require.NoError(t, err)
		docs = append(docs, v)
	}
}

// setIn sets the value at keys inside a decoded document.
func setIn(t *testing.T, doc any, keys []string, v any) {
	t.Helper()
	require.NotEmpty(t, keys)
	parent, last := lookupIn(t, doc, keys[:len(keys)-1]), keys[len(keys)-1]
	switch p := parent.(type) {
	case map[string]any:
		p[last] = v
	case []any:
		i, err := strconv.Atoi(last)
		require.NoError(t, err)
		p[i] = v
	default:
		t.Fatalf("cannot set %q in %T", last, parent)
	}
}

// lookupIn returns the value at keys inside a decoded document.
func lookupIn(t *testing.T, doc any, keys []string) any {
	t.Helper()
	for _, k := range keys {
		switch d := doc.(type) {
		case map[string]any:
			doc = d[k]
		case []any:
			i, err := strconv.Atoi(k)
			require.NoError(t, err)
			doc = d[i]
		default:
			t.Fatalf("cannot look up %q in %T", k, doc)
		}
	}
	return doc
}

// changedSpan returns the byte ranges [start, oldEnd) of old and
// [start, newEnd) of new outside which old and new are identical.
func changedSpan(old, new []byte) (start, oldEnd, newEnd int) {
	for start < len(old) && start < len(new) && old[start] == new[start] {
		start++
	}
	oldEnd, newEnd = len(old), len(new)
	for oldEnd > start && newEnd > start && old[oldEnd-1] == new[newEnd-1] {
		oldEnd--
		newEnd--
	}
	return start, oldEnd, newEnd
}

// lineStart returns the byte offset where 1-based line n of data starts,
// counting LF as the break (CRLF files keep the CR at the line's end).
func lineStart(t *testing.T, data []byte, n int) int {
	t.Helper()
	off := 0
	for i := 1; i < n; i++ {
		j := bytes.IndexByte(data[off:], '\n')
		require.GreaterOrEqual(t, j, 0, "line %d is beyond the end", n)
		off += j + 1
	}
	return off
}

// assertErrorOfType checks that err wraps an error of the same type as
// want (a typed nil pointer such as (*yamledit.PathError)(nil)).
func assertErrorOfType(t *testing.T, err error, want any) {
	t.Helper()
	target := reflect.New(reflect.TypeOf(want))
	assert.True(t, errors.As(err, target.Interface()), "error %q (%T) is not a %T", err, err, want)
}
