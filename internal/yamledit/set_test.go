package yamledit_test

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferrygitops/ferry/internal/yamledit"
)

func path(doc int, keys ...string) yamledit.Path {
	return yamledit.Path{Doc: doc, Keys: keys}
}

// TestSetScalarGolden edits each tricky fixture and checks the result three
// ways: against its golden file, by byte diff (only the scalar's token
// changed), and by decoding (only the scalar's value changed).
func TestSetScalarGolden(t *testing.T) {
	tests := []struct {
		name  string
		file  string
		path  yamledit.Path
		value string
		// token is the scalar's text as written on its line (for an empty
		// value, the colon it follows); the diff must stay inside it.
		token string
		// line is the scalar's line.
		line int
		// keepType sets Change.KeepType.
		keepType bool
		// want is the decoded value after the edit, value when nil.
		want any
		// aliases are paths whose decoded value changes too (aliases and
		// merges of an anchored scalar).
		aliases []yamledit.Path
	}{
		{name: "comments-plain", file: "comments.yaml", path: path(0, "images", "0", "newTag"), value: "1.8.0", token: "1.7.2", line: 13},
		{name: "comments-plain-to-float", file: "comments.yaml", path: path(0, "images", "0", "newTag"), value: "1.10", token: "1.7.2", line: 13},
		{name: "comments-double", file: "comments.yaml", path: path(0, "images", "1", "newTag"), value: "7.4", token: `"7.2"`, line: 17},
		{name: "comments-tab-before-comment", file: "comments.yaml", path: path(0, "images", "1", "newName"), value: "ghcr.io/library/redis", token: "docker.io/library/redis", line: 16},
		{name: "comments-sequence-item", file: "comments.yaml", path: path(0, "resources", "0"), value: "../../base/v2", token: "../../base", line: 7},
		{name: "flow-mapping-in-sequence", file: "flow.yaml", path: path(0, "images", "0", "newTag"), value: "1.1.0", token: "1.0", line: 3},
		{name: "flow-single", file: "flow.yaml", path: path(0, "images", "1", "newTag"), value: "it's 7.4", token: "'7.2'", line: 3},
		{name: "flow-double", file: "flow.yaml", path: path(0, "labels", "tier"), value: "web, api", token: `"web"`, line: 4},
		{name: "flow-plain-needs-quotes", file: "flow.yaml", path: path(0, "resources", "1"), value: "c,d.yaml", token: "b.yaml", line: 5},
		{name: "anchors-anchored", file: "anchors.yaml", path: path(0, "defaults", "tag"), value: "1.1.0", token: "1.0", line: 2,
			aliases: []yamledit.Path{path(0, "api", "tag"), path(0, "worker", "tag")}},
		{name: "anchors-merge-own-key", file: "anchors.yaml", path: path(0, "api", "name"), value: "api-v2", token: "api", line: 6},
		{name: "crlf", file: "crlf.yaml", path: path(0, "spec", "chart", "spec", "version"), value: "6.6.0", token: `"6.5.0"`, line: 9},
		{name: "multidoc-first", file: "multidoc.yaml", path: path(0, "spec", "ref", "tag"), value: "6.6.0", token: "6.5.0", line: 9},
		{name: "multidoc-substitute", file: "multidoc.yaml", path: path(1, "spec", "postBuild", "substitute", "podinfo_version"), value: "6.6.0", token: "'6.5.0'", line: 21},
		{name: "quoted-keys", file: "quotedkeys.yaml", path: path(0, "images", "0", "newTag"), value: "1.8.0", token: "'1.7.2'", line: 5},
		{name: "complex-key", file: "quotedkeys.yaml", path: path(0, "images", "0", "newName"), value: "ghcr.io/acme/podinfo", token: "ghcr.io/stefanprodan/podinfo", line: 7},
		{name: "unicode-anchored", file: "unicode.yaml", path: path(0, "metadata", "annotations", "名前"), value: "新しい値", token: "値", line: 5},
		{name: "unicode-emoji-key", file: "unicode.yaml", path: path(0, "metadata", "annotations", "emoji🚀"), value: "2.0", token: "1.0", line: 6},
		{name: "unicode-double", file: "unicode.yaml", path: path(0, "metadata", "annotations", "description"), value: "thé 🍵 \"v2\"", token: `"café ☕ — podinfo"`, line: 4},
		{name: "unicode-single", file: "unicode.yaml", path: path(0, "metadata", "annotations", "über"), value: "ü'ü", token: "'ß'", line: 7},
		{name: "no-trailing-newline", file: "nonewline.yaml", path: path(0, "images", "0", "newTag"), value: "1.8.0", token: "1.7.2", line: 5},
		{name: "bom", file: "bom.yaml", path: path(0, "apiVersion"), value: "kustomize.config.k8s.io/v1", token: "kustomize.config.k8s.io/v1beta1", line: 1},
		{name: "helm-version-with-marker", file: "helmrelease.yaml", path: path(0, "spec", "chart", "spec", "version"), value: "6.6.0", token: "6.5.0", line: 11},
		{name: "helm-keep-type", file: "helmrelease.yaml", path: path(0, "spec", "values", "replicaCount"), value: "3", token: "2", line: 16, keepType: true, want: 3},
		{name: "helm-string-by-default", file: "helmrelease.yaml", path: path(0, "spec", "values", "replicaCount"), value: "3", token: "2", line: 16},
		{name: "helm-empty-value", file: "helmrelease.yaml", path: path(0, "spec", "values", "image", "pullPolicy"), value: "Always", token: ":", line: 20},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := readFile(t, filepath.Join("set", tt.file))
			out, edits, err := yamledit.SetScalars(in, []yamledit.Change{{Path: tt.path, Value: tt.value, KeepType: tt.keepType}})
			require.NoError(t, err)
			require.Len(t, edits, 1)
			edit := edits[0]
			assert.Equal(t, tt.path, edit.Path)
			assert.Equal(t, tt.value, edit.New)
			assert.Equal(t, tt.line, edit.Line)
			golden(t, filepath.Join("testdata", "set", tt.name+".golden"), out)

			// Only bytes inside the scalar's token differ.
			ls := lineStart(t, in, edit.Line)
			line := in[ls : ls+bytes.IndexByte(append(in[ls:len(in):len(in)], '\n'), '\n')]
			require.Equal(t, 1, strings.Count(string(line), tt.token), "token %q must be unique on line %d", tt.token, edit.Line)
			tokStart := ls + bytes.Index(line, []byte(tt.token))
			start, oldEnd, _ := changedSpan(in, out)
			assert.GreaterOrEqual(t, start, tokStart, "bytes before the scalar changed")
			assert.LessOrEqual(t, oldEnd, tokStart+len(tt.token), "bytes after the scalar changed")

			// Decoded, only the value changed.
			want := decodeAll(t, in)
			var v any = tt.value
			if tt.want != nil {
				v = tt.want
			}
			setIn(t, want[tt.path.Doc], tt.path.Keys, v)
			for _, a := range tt.aliases {
				setIn(t, want[a.Doc], a.Keys, v)
			}
			assert.Equal(t, want, decodeAll(t, out))

			// Setting it again changes nothing.
			again, edit2, err := yamledit.SetScalar(out, tt.path, tt.value)
			require.NoError(t, err)
			assert.Equal(t, string(out), string(again))
			assert.Equal(t, yamledit.Edit{Path: tt.path, Line: edit.Line, Old: tt.value, New: tt.value}, edit2)
		})
	}
}

func TestSetScalarUnchanged(t *testing.T) {
	tests := []struct {
		name  string
		file  string
		path  yamledit.Path
		value string
	}{
		{name: "plain", file: "comments.yaml", path: path(0, "images", "0", "newTag"), value: "1.7.2"},
		{name: "unquoted number stays", file: "flow.yaml", path: path(0, "images", "0", "newTag"), value: "1.0"},
		{name: "single-quoted", file: "multidoc.yaml", path: path(1, "spec", "postBuild", "substitute", "podinfo_version"), value: "6.5.0"},
		{name: "empty stays empty", file: "helmrelease.yaml", path: path(0, "spec", "values", "image", "pullPolicy"), value: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := readFile(t, filepath.Join("set", tt.file))
			out, edit, err := yamledit.SetScalar(in, tt.path, tt.value)
			require.NoError(t, err)
			assert.Equal(t, string(in), string(out))
			assert.Equal(t, tt.value, edit.Old)
			assert.Equal(t, tt.value, edit.New)
		})
	}
}

func TestSetScalars(t *testing.T) {
	in := readFile(t, filepath.Join("set", "comments.yaml"))
	out, edits, err := yamledit.SetScalars(in, []yamledit.Change{
		{Path: path(0, "images", "1", "newTag"), Value: "7.4"},
		{Path: path(0, "images", "0", "newTag"), Value: "1.8.0"},
		{Path: path(0, "images", "1", "newTag"), Value: "7.4"},
		{Path: path(0, "kind"), Value: "Kustomization"},
	})
	require.NoError(t, err)
	assert.Equal(t, []yamledit.Edit{
		{Path: path(0, "kind"), Line: 3, Old: "Kustomization", New: "Kustomization"},
		{Path: path(0, "images", "0", "newTag"), Line: 13, Old: "1.7.2", New: "1.8.0"},
		{Path: path(0, "images", "1", "newTag"), Line: 17, Old: "7.2", New: "7.4"},
	}, edits, "edits come in file order, the repeated change once")
	want := strings.NewReplacer("newTag: 1.7.2 #", "newTag: 1.8.0 #", `newTag: "7.2"`, `newTag: "7.4"`).Replace(string(in))
	assert.Equal(t, want, string(out))

	t.Run("nothing to do", func(t *testing.T) {
		out, edits, err := yamledit.SetScalars(in, nil)
		require.NoError(t, err)
		assert.Equal(t, string(in), string(out))
		assert.Empty(t, edits)
	})
}

func TestFind(t *testing.T) {
	tests := []struct {
		name  string
		file  string
		path  yamledit.Path
		value string
		line  int
	}{
		{name: "plain", file: "comments.yaml", path: path(0, "images", "0", "newTag"), value: "1.7.2", line: 13},
		{name: "double-quoted", file: "comments.yaml", path: path(0, "images", "1", "newTag"), value: "7.2", line: 17},
		{name: "second document", file: "multidoc.yaml", path: path(1, "spec", "postBuild", "substitute", "podinfo_version"), value: "6.5.0", line: 21},
		{name: "through an alias", file: "anchors.yaml", path: path(0, "worker", "tag"), value: "1.0", line: 2},
		{name: "through a merge key", file: "anchors.yaml", path: path(0, "api", "pull"), value: "IfNotPresent", line: 3},
		{name: "block scalar", file: "helmrelease.yaml", path: path(0, "spec", "values", "ui", "message"), value: "folded\n", line: 22},
		{name: "quoted key", file: "quotedkeys.yaml", path: path(0, "kind"), value: "Kustomization", line: 2},
		{name: "empty value", file: "helmrelease.yaml", path: path(0, "spec", "values", "image", "pullPolicy"), value: "", line: 20},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			value, line, err := yamledit.Find(readFile(t, filepath.Join("set", tt.file)), tt.path)
			require.NoError(t, err)
			assert.Equal(t, tt.value, value)
			assert.Equal(t, tt.line, line)
		})
	}
}

func TestPathString(t *testing.T) {
	tests := []struct {
		name string
		path yamledit.Path
		want string
	}{
		{name: "root", path: yamledit.Path{}, want: "/"},
		{name: "keys", path: path(0, "images", "0", "newTag"), want: "/images/0/newTag"},
		{name: "second document", path: path(2, "spec"), want: "[2]/spec"},
		{name: "escapes", path: path(0, "metadata", "annotations", "a/b~c"), want: "/metadata/annotations/a~1b~0c"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.path.String())
		})
	}
}
