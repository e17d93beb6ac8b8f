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
}
