package yamlnode_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/ferrygitops/ferry/internal/yamlnode"
)

func TestLookups(t *testing.T) {
	var doc yaml.Node
	require.NoError(t, yaml.Unmarshal([]byte("name: a\nitems: [x, {y: 1}, z]\nnested: {k: v}\n"), &doc))
	root := doc.Content[0]
	assert.Equal(t, "a", yamlnode.Scalar(root, "name").Value)
	assert.Nil(t, yamlnode.Scalar(root, "nested"), "not a scalar")
	assert.Nil(t, yamlnode.Value(root, "missing"))
	assert.Nil(t, yamlnode.Value(yamlnode.Value(root, "name"), "k"), "not a mapping")
	assert.Len(t, yamlnode.Items(yamlnode.Value(root, "items")), 3)
	assert.Len(t, yamlnode.Scalars(yamlnode.Value(root, "items")), 2)
	assert.Nil(t, yamlnode.Items(root))
	assert.Equal(t, 3, yamlnode.Value(root, "nested").Line)
	assert.Equal(t, "a", yamlnode.String(root, "name"))
	assert.Empty(t, yamlnode.String(root, "nested"))

	assert.Equal(t, "1", yamlnode.Path(root, "items", "1", "y").Value)
	assert.Equal(t, root, yamlnode.Path(root))
	for _, keys := range [][]string{{"items", "3"}, {"items", "-1"}, {"items", "x"}, {"name", "k"}, {"missing", "k"}} {
		assert.Nil(t, yamlnode.Path(root, keys...), "%v", keys)
	}
	var aliased yaml.Node
	require.NoError(t, yaml.Unmarshal([]byte("base: &b {k: v}\nuse: *b\n"), &aliased))
	assert.Equal(t, "v", yamlnode.Path(aliased.Content[0], "use", "k").Value, "through an alias")
}
