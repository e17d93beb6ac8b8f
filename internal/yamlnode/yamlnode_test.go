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
	use := yamlnode.Value(aliased.Content[0], "use")
	assert.Equal(t, yaml.AliasNode, use.Kind)
	assert.Equal(t, yaml.MappingNode, yamlnode.Resolve(use).Kind)
	k, v := yamlnode.Entry(root, "nested")
	assert.Equal(t, "nested", k.Value)
	assert.Equal(t, 3, v.Line)
	k, v = yamlnode.Entry(root, "missing")
	assert.Nil(t, k)
	assert.Nil(t, v)
}

func TestDocuments(t *testing.T) {
	docs, err := yamlnode.Documents([]byte("a: 1\n---\n---\n- x\n"))
	require.NoError(t, err)
	require.Len(t, docs, 3)
	assert.Equal(t, yaml.MappingNode, docs[0].Kind)
	assert.Equal(t, "!!null", docs[1].Tag, "an empty document between two others is null")
	assert.Equal(t, yaml.SequenceNode, docs[2].Kind)

	docs, err = yamlnode.Documents([]byte("# only a comment\n"))
	require.NoError(t, err)
	assert.Empty(t, docs, "a stream of comments holds no document")

	docs, err = yamlnode.Documents([]byte("a: 1\n---\nb: [\n"))
	require.Error(t, err)
	assert.Len(t, docs, 1, "the documents before the error")
}
