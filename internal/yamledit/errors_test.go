package yamledit_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferrygitops/ferry/internal/yamledit"
)

const kustomization = `kind: Kustomization
images:
- name: podinfo
  newTag: 1.7.2
`

func TestSetScalarErrors(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		path    yamledit.Path
		value   string
		errType any
		msg     string
	}{
		{name: "missing key", in: kustomization, path: path(0, "images", "0", "newName"), value: "x",
			errType: (*yamledit.PathError)(nil), msg: `set /images/0/newName: key "newName" not found in the mapping at line 3`},
		{name: "index out of range", in: kustomization, path: path(0, "images", "1", "newTag"), value: "x",
			errType: (*yamledit.PathError)(nil), msg: "set /images/1/newTag: index 1 out of range: the sequence at line 3 has 1 items"},
		{name: "not an index", in: kustomization, path: path(0, "images", "first"), value: "x",
			errType: (*yamledit.PathError)(nil), msg: `set /images/first: "first" is not an index into the sequence at line 3`},
		{name: "negative index", in: kustomization, path: path(0, "images", "-1"), value: "x",
			errType: (*yamledit.PathError)(nil), msg: `"-1" is not an index`},
		{name: "into a scalar", in: kustomization, path: path(0, "kind", "name"), value: "x",
			errType: (*yamledit.PathError)(nil), msg: `set /kind/name: cannot look up "name": line 1 holds a scalar, not a mapping or sequence`},
		{name: "not a scalar", in: kustomization, path: path(0, "images", "0"), value: "x",
			errType: (*yamledit.PathError)(nil), msg: "set /images/0: line 3 holds a mapping, not a scalar"},
		{name: "missing document", in: kustomization, path: path(2, "kind"), value: "x",
			errType: (*yamledit.PathError)(nil), msg: "set [2]/kind: document 2 not found: the file has 1"},
		{name: "empty document", in: "---\n---\nkind: K\n", path: path(0, "kind"), value: "x",
			errType: (*yamledit.PathError)(nil), msg: "set /kind: cannot look up \"kind\": line 2 holds a scalar"},
		{name: "empty file", in: "# nothing\n", path: path(0, "kind"), value: "x",
			errType: (*yamledit.PathError)(nil), msg: "document 0 not found: the file has 0"},
		{name: "literal block scalar", in: "a: |\n  text\n", path: path(0, "a"), value: "x",
			errType: (*yamledit.UnsupportedError)(nil), msg: "set /a: line 1: block scalars (| and >) cannot be edited in place"},
		{name: "folded block scalar", in: "a: >-\n  text\n", path: path(0, "a"), value: "text",
			errType: (*yamledit.UnsupportedError)(nil), msg: "block scalars"},
		{name: "multi-line plain", in: "a: one\n  two\nb: c\n", path: path(0, "a"), value: "x",
			errType: (*yamledit.UnsupportedError)(nil), msg: "set /a: line 1: multi-line plain scalars cannot be edited in place"},
		{name: "multi-line single-quoted", in: "a: 'one\n  two'\n", path: path(0, "a"), value: "x",
			errType: (*yamledit.UnsupportedError)(nil), msg: "multi-line quoted scalars cannot be edited in place"},
		{name: "escaped line break", in: "a: \"one\\\n  two\"\n", path: path(0, "a"), value: "x",
			errType: (*yamledit.UnsupportedError)(nil), msg: "multi-line quoted scalars"},
		{name: "alias", in: "a: &v 1.0\nb: *v\n", path: path(0, "b"), value: "2.0",
			errType: (*yamledit.AliasError)(nil), msg: "set /b: line 2 reaches it through the alias *v of the anchor &v at line 1; edit /a instead, which changes every alias of it"},
		{name: "alias on the way", in: "base: &b\n  tag: 1\napp: *b\n", path: path(0, "app", "tag"), value: "2",
			errType: (*yamledit.AliasError)(nil), msg: "set /app/tag: line 3 reaches it through the alias *b of the anchor &b at line 1; edit /base/tag instead"},
		{name: "merge key", in: "base: &b\n  tag: 1\napp:\n  <<: [*b]\n", path: path(0, "app", "tag"), value: "2",
			errType: (*yamledit.AliasError)(nil), msg: "set /app/tag: line 4 reaches it through the alias *b of the anchor &b at line 1; edit /base/tag instead"},
		{name: "explicit tag", in: "a: !!int 1\n", path: path(0, "a"), value: "2",
			errType: (*yamledit.UnsupportedError)(nil), msg: "set /a: line 1: the scalar has the explicit tag !!int"},
		{name: "duplicate key", in: "a: 1\na: 2\n", path: path(0, "a"), value: "3",
			errType: (*yamledit.UnsupportedError)(nil), msg: `key "a" appears twice in the mapping, at lines 1 and 2`},
		{name: "empty value in a flow mapping", in: "a: {b: , c: 1}\n", path: path(0, "a", "b"), value: "x",
			errType: (*yamledit.UnsupportedError)(nil), msg: "an empty value can only be set in a block mapping"},
		{name: "empty value with an anchor", in: "a: &x\nb: 1\n", path: path(0, "a"), value: "x",
			errType: (*yamledit.UnsupportedError)(nil), msg: "an empty value can only be set in a block mapping"},
		{name: "empty sequence item", in: "a:\n-\n- b\n", path: path(0, "a", "0"), value: "x",
			errType: (*yamledit.UnsupportedError)(nil), msg: "an empty value can only be set in a block mapping"},
		{name: "invalid UTF-8 value", in: kustomization, path: path(0, "kind"), value: "K\xff",
			errType: (*yamledit.UnsupportedError)(nil), msg: "set /kind: the new value is not valid UTF-8"},
		{name: "invalid YAML", in: "a: b\nc: d: e\n", path: path(0, "a"), value: "x",
			errType: (*yamledit.SyntaxError)(nil), msg: "set: invalid YAML at line 2: mapping values are not allowed in this context"},
		{name: "unknown anchor", in: "a: *nope\n", path: path(0, "a"), value: "x",
			errType: (*yamledit.SyntaxError)(nil), msg: "set: invalid YAML: unknown anchor 'nope' referenced"},
		{name: "UTF-16", in: "\xff\xfea\x00:\x00 \x00b\x00", path: path(0, "a"), value: "x",
			errType: (*yamledit.SyntaxError)(nil), msg: "set: invalid YAML: the file is UTF-16 encoded; only UTF-8 is supported"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, edit, err := yamledit.SetScalar([]byte(tt.in), tt.path, tt.value)
			require.Error(t, err)
			assert.Nil(t, out)
			assert.Zero(t, edit)
			assertErrorOfType(t, err, tt.errType)
			assert.Contains(t, err.Error(), tt.msg)
		})
	}
}

func TestErrorFields(t *testing.T) {
	t.Run("path error names the parent's line", func(t *testing.T) {
		_, _, err := yamledit.Find([]byte(kustomization), path(0, "images", "0", "digest"))
		var pe *yamledit.PathError
		require.ErrorAs(t, err, &pe)
		assert.Equal(t, &yamledit.PathError{Op: "find", Path: path(0, "images", "0", "digest"), Line: 3,
			Reason: `key "digest" not found in the mapping at line 3`}, pe)
	})
	t.Run("alias error names the anchor and where to edit", func(t *testing.T) {
		_, _, err := yamledit.SetScalar([]byte("a:\n  b: &tag 1.0\nc: [*tag]\n"), path(0, "c", "0"), "2.0")
		var ae *yamledit.AliasError
		require.ErrorAs(t, err, &ae)
		target := path(0, "a", "b")
		assert.Equal(t, &yamledit.AliasError{Op: "set", Path: path(0, "c", "0"), Line: 3, Anchor: "tag", AnchorLine: 2, Target: &target}, ae)
	})
	t.Run("syntax error carries the line and the parser's error", func(t *testing.T) {
		_, err := yamledit.Setters([]byte("a: b\n  c: d\n"))
		var se *yamledit.SyntaxError
		require.ErrorAs(t, err, &se)
		assert.Equal(t, 2, se.Line)
		assert.Equal(t, "setters", se.Op)
		assert.Error(t, errors.Unwrap(se))
	})
	t.Run("conflict names both values", func(t *testing.T) {
		_, _, err := yamledit.SetScalars([]byte(kustomization), []yamledit.Change{
			{Path: path(0, "images", "0", "newTag"), Value: "1.8.0"},
			{Path: path(0, "images", "0", "newTag"), Value: "1.9.0"},
		})
		var ce *yamledit.ConflictError
		require.ErrorAs(t, err, &ce)
		assert.Equal(t, &yamledit.ConflictError{Path: path(0, "images", "0", "newTag"), Line: 4, First: "1.8.0", Second: "1.9.0"}, ce)
		assert.EqualError(t, err, `set /images/0/newTag: conflicting changes of the scalar at line 4: "1.8.0" and "1.9.0"`)
	})
	t.Run("find refuses nothing it can read", func(t *testing.T) {
		value, line, err := yamledit.Find([]byte("a: |\n  text\n"), path(0, "a"))
		require.NoError(t, err)
		assert.Equal(t, "text\n", value)
		assert.Equal(t, 1, line)
	})
}
