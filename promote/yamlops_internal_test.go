package promote

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestInsertAndDeleteKeys(t *testing.T) {
	in := "images:\r\n  # the API\r\n  - name: ghcr.io/acme/api # pinned\r\n    newTag: 1.0.0\r\n  - name: ghcr.io/acme/web\r\n    newTag: 2.0.0\r\n    digest: sha256:aa\r\n"
	out, line, err := insertKeys([]byte(in), 0, []string{"images", "0"}, []KV{{Key: "digest", Value: "sha256:bb"}})
	require.NoError(t, err)
	assert.Equal(t, 5, line)
	assert.Equal(t, "images:\r\n  # the API\r\n  - name: ghcr.io/acme/api # pinned\r\n    newTag: 1.0.0\r\n    digest: sha256:bb\r\n  - name: ghcr.io/acme/web\r\n    newTag: 2.0.0\r\n    digest: sha256:aa\r\n", string(out))

	out, line, err = deleteKey(out, 0, []string{"images", "1", "digest"})
	require.NoError(t, err)
	assert.Equal(t, 8, line)
	assert.Equal(t, "images:\r\n  # the API\r\n  - name: ghcr.io/acme/api # pinned\r\n    newTag: 1.0.0\r\n    digest: sha256:bb\r\n  - name: ghcr.io/acme/web\r\n    newTag: 2.0.0\r\n", string(out))

	_, _, err = deleteKey(out, 0, []string{"images", "1", "name"})
	assert.ErrorContains(t, err, "only a one-line key after the first can be removed")
	_, _, err = deleteKey(out, 0, []string{"images", "1", "digest"})
	assert.ErrorContains(t, err, `no key "digest" under images.1`)
	_, _, err = insertKeys([]byte("images: [{name: a}]\n"), 0, []string{"images", "0"}, []KV{{Key: "newTag", Value: "1"}})
	assert.ErrorContains(t, err, "not a block mapping")
	_, _, err = insertKeys([]byte("images:\n- name: a\n  note: |\n    two\n    lines\n"), 0, []string{"images", "0"}, []KV{{Key: "newTag", Value: "1"}})
	assert.ErrorContains(t, err, "more than one-line values")
	_, _, err = insertKeys([]byte("images:\n- name: a\n"), 0, []string{"images", "3"}, nil)
	assert.ErrorContains(t, err, "no item 3 in the list images")
}

func TestApplyEditsKeepsQuotingAndComments(t *testing.T) {
	in := "# production pins\nimages:\n  - name: ghcr.io/acme/api\n    newTag: \"1.10\" # quoted: 1.10 is not 1.1\n"
	out, edits, err := applyEdits([]byte(in), []Edit{{Op: OpSet, Keys: []string{"images", "0", "newTag"}, New: "1.11"}})
	require.NoError(t, err)
	assert.Equal(t, "# production pins\nimages:\n  - name: ghcr.io/acme/api\n    newTag: \"1.11\" # quoted: 1.10 is not 1.1\n", string(out))
	assert.Equal(t, 4, edits[0].Line)

	_, _, err = applyEdits([]byte(in), []Edit{{Op: "rename"}})
	assert.ErrorContains(t, err, `unknown edit "rename"`)
}

func TestLineEditsRefuseOddLineBreaks(t *testing.T) {
	for _, in := range []string{
		"images:\r- name: a\r  newTag: 1\r",
		"# a\u2028comment\nimages:\n- name: a\n  newTag: 1\n  digest: sha256:aa\n",
	} {
		_, _, err := insertKeys([]byte(in), 0, []string{"images", "0"}, []KV{{Key: "digest", Value: "sha256:bb"}})
		assert.ErrorContains(t, err, "line breaks other than")
		_, _, err = deleteKey([]byte(in), 0, []string{"images", "0", "digest"})
		assert.ErrorContains(t, err, "line breaks other than")
	}
}

func TestCheckKeysCatchesCollateralChanges(t *testing.T) {
	before := []byte("images:\n- name: a\n  newTag: \"1\"\n")
	after := []byte("images:\n- name: a\n  newTag: \"2\"\n  digest: sha256:bb\n")
	err := checkKeys(before, after, 0, []string{"images", "0"}, []KV{{Key: "digest", Value: "sha256:bb"}}, nil)
	assert.ErrorContains(t, err, "the edit changed more than images.0")
	after = []byte("images:\n- name: a\n  newTag: \"1\"\n  digest: sha256:bb\n")
	assert.NoError(t, checkKeys(before, after, 0, []string{"images", "0"}, []KV{{Key: "digest", Value: "sha256:bb"}}, nil))
}
