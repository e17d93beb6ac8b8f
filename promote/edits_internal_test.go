package promote

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestApplyEditsKeepsQuotingAndComments(t *testing.T) {
	in := "# production pins\nimages:\n  - name: ghcr.io/acme/api\n    newTag: \"1.10\" # quoted: 1.10 is not 1.1\n"
	out, edits, err := applyEdits([]byte(in), []Edit{{Op: OpSet, Keys: []string{"images", "0", "newTag"}, New: "1.11"}})
	require.NoError(t, err)
	assert.Equal(t, "# production pins\nimages:\n  - name: ghcr.io/acme/api\n    newTag: \"1.11\" # quoted: 1.10 is not 1.1\n", string(out))
	assert.Equal(t, 4, edits[0].Line)

	_, _, err = applyEdits([]byte(in), []Edit{{Op: "rename"}})
	assert.ErrorContains(t, err, `unknown edit "rename"`)
}

func TestApplyEditsInsertsAndDeletesKeys(t *testing.T) {
	in := "images:\n- name: a\n  newTag: \"1\"\n  digest: sha256:aa\n"
	out, edits, err := applyEdits([]byte(in), []Edit{
		{Op: OpDelete, Keys: []string{"images", "0", "digest"}},
		{Op: OpInsert, Keys: []string{"images", "0"}, Item: []KV{{Key: "digest", Value: "sha256:bb"}}},
	})
	require.NoError(t, err)
	assert.Equal(t, "images:\n- name: a\n  newTag: \"1\"\n  digest: sha256:bb\n", string(out))
	assert.Equal(t, 4, edits[0].Line)
	assert.Equal(t, 4, edits[1].Line)
	_, _, err = applyEdits([]byte(in), []Edit{{Op: OpDelete, Keys: []string{"images", "0", "name"}}})
	assert.ErrorContains(t, err, "delete images.0.name")
}

func TestNamesOf(t *testing.T) {
	assert.Equal(t, "dev", namesOf([]string{"dev"}))
	assert.Equal(t, "dev and qa and ab-a and ab-b", namesOf([]string{"dev", "qa", "ab-a", "ab-b"}))
	assert.Equal(t, "dev, qa, ab-a and 2 more", namesOf([]string{"dev", "qa", "ab-a", "ab-b", "prod"}))
}

func TestValueDiffs(t *testing.T) {
	a := map[string]any{"image": map[string]any{"tag": "1.0", "repository": "x"}, "list": []any{"a", 1}, "a/b": "c"}
	b := map[string]any{"image": map[string]any{"tag": "1.1", "repository": "x"}, "list": []any{"a", 1}, "a/b": "d"}
	assert.Equal(t, []string{"/a~1b", "/image/tag"}, valueDiffs(a, b, ""))
	assert.Empty(t, valueDiffs(a, a, ""))
	assert.Equal(t, []string{"/list"}, valueDiffs(map[string]any{"list": []any{"a"}}, map[string]any{"list": []any{"a", "b"}}, ""))
	assert.Equal(t, []string{""}, valueDiffs(map[string]any{"k": 1}, map[string]any{"j": 1}, ""), "another key: the whole map")
	assert.Equal(t, []string{"/n"}, valueDiffs(map[string]any{"n": 1}, map[string]any{"n": "1"}, ""), "a type change is a change")
}
