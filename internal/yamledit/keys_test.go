package yamledit_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferrygitops/ferry/internal/yamledit"
)

func TestInsertAndDeleteKeys(t *testing.T) {
	in := "images:\r\n  # the API\r\n  - name: ghcr.io/acme/api # pinned\r\n    newTag: 1.0.0\r\n  - name: ghcr.io/acme/web\r\n    newTag: 2.0.0\r\n    digest: sha256:aa\r\n"
	out, line, err := yamledit.InsertKeys([]byte(in), path(0, "images", "0"), []yamledit.KV{{Key: "digest", Value: "sha256:bb"}})
	require.NoError(t, err)
	assert.Equal(t, 5, line)
	assert.Equal(t, "images:\r\n  # the API\r\n  - name: ghcr.io/acme/api # pinned\r\n    newTag: 1.0.0\r\n    digest: sha256:bb\r\n  - name: ghcr.io/acme/web\r\n    newTag: 2.0.0\r\n    digest: sha256:aa\r\n", string(out))

	out, line, err = yamledit.DeleteKey(out, path(0, "images", "1", "digest"))
	require.NoError(t, err)
	assert.Equal(t, 8, line)
	assert.Equal(t, "images:\r\n  # the API\r\n  - name: ghcr.io/acme/api # pinned\r\n    newTag: 1.0.0\r\n    digest: sha256:bb\r\n  - name: ghcr.io/acme/web\r\n    newTag: 2.0.0\r\n", string(out))

	// A value needing quotes is quoted; a comment after the mapping stays after it.
	out, _, err = yamledit.InsertKeys([]byte("a:\n  b: 1\n# next\nc: 2\n"), path(0, "a"), []yamledit.KV{{Key: "tag", Value: "1.10"}, {Key: "note", Value: "yes"}})
	require.NoError(t, err)
	assert.Equal(t, "a:\n  b: 1\n  tag: \"1.10\"\n  note: \"yes\"\n# next\nc: 2\n", string(out))
	// The last line without a line break.
	out, _, err = yamledit.DeleteKey([]byte("a: 1\nb: 2"), path(0, "b"))
	require.NoError(t, err)
	assert.Equal(t, "a: 1\n", string(out))
}

func TestInsertAndDeleteKeysRefusals(t *testing.T) {
	item := []yamledit.KV{{Key: "newTag", Value: "1"}}
	tests := []struct {
		name, in string
		insert   bool
		p        yamledit.Path
		errType  error
		msg      string
	}{
		{"first key", "images:\n- name: a\n  digest: b\n", false, path(0, "images", "0", "name"), (*yamledit.UnsupportedError)(nil), "only a key after the first"},
		{"missing key", "images:\n- name: a\n", false, path(0, "images", "0", "digest"), (*yamledit.PathError)(nil), `no key "digest" in the mapping at line 2`},
		{"block value", "a:\n  b: 1\n  c: |\n    x\n", false, path(0, "a", "c"), (*yamledit.UnsupportedError)(nil), "with a one-line value"},
		{"flow mapping", "images: [{name: a}]\n", true, path(0, "images", "0"), (*yamledit.UnsupportedError)(nil), "non-empty block mapping"},
		{"multi-line values", "images:\n- name: a\n  note: |\n    two\n    lines\n", true, path(0, "images", "0"), (*yamledit.UnsupportedError)(nil), "values of more than one line"},
		{"existing key", "images:\n- name: a\n  newTag: 0\n", true, path(0, "images", "0"), (*yamledit.UnsupportedError)(nil), `already has the key "newTag"`},
		{"no such item", "images:\n- name: a\n", true, path(0, "images", "3"), (*yamledit.PathError)(nil), "images"},
		{"not a mapping", "images: x\n", true, path(0, "images"), (*yamledit.PathError)(nil), "not a mapping"},
		{"lone CR line breaks", "images:\r- name: a\r  newTag: 1\r  digest: b\r", false, path(0, "images", "0", "digest"), (*yamledit.UnsupportedError)(nil), "line breaks other than"},
		{"LS line break", "# a\u2028b\nimages:\n- name: a\n", true, path(0, "images", "0"), (*yamledit.UnsupportedError)(nil), "line breaks other than"},
		{"through an alias", "base: &b\n  name: a\n  tag: 1\nimages:\n- *b\n", false, path(0, "images", "0", "tag"), (*yamledit.AliasError)(nil), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			if tt.insert {
				_, _, err = yamledit.InsertKeys([]byte(tt.in), tt.p, item)
			} else {
				_, _, err = yamledit.DeleteKey([]byte(tt.in), tt.p)
			}
			require.Error(t, err)
			assert.IsType(t, tt.errType, err)
			assert.ErrorContains(t, err, tt.msg)
		})
	}
}
