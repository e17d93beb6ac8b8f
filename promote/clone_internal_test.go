package promote

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestRenamePath(t *testing.T) {
	for in, want := range map[string]string{
		"path: ./clusters/prod\n":                     "path: ./clusters/prod-2\n",
		"path: clusters/prod/apps":                    "path: clusters/prod-2/apps",
		"clusters/prod\nclusters/prod":                "clusters/prod-2\nclusters/prod-2",
		"[clusters/prod,clusters/prod]":               "[clusters/prod-2,clusters/prod-2]",
		"clusters/prod clusters/prod":                 "clusters/prod-2 clusters/prod-2",
		"clusters/production and clusters/prod.yaml":  "clusters/production and clusters/prod.yaml",
		"x/clusters/prod and https://h/clusters/prod": "x/clusters/prod and https://h/clusters/prod",
		"myclusters/prod":                             "myclusters/prod",
		"clusters/prod$1":                             "clusters/prod-2$1",
		"":                                            "",
	} {
		assert.Equal(t, want, string(renamePath([]byte(in), "clusters/prod", "clusters/prod-2")), in)
	}
	assert.Equal(t, "a/$1b", string(renamePath([]byte("a/x"), "a/x", "a/$1b")), "the new path is written as it is")
}
