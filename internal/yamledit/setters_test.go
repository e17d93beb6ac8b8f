package yamledit_test

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferrygitops/ferry/internal/yamledit"
)

func TestSetters(t *testing.T) {
	tests := []struct {
		name string
		file string
		want []yamledit.Setter
	}{
		{name: "kustomization and deployment", file: "setters.yaml", want: []yamledit.Setter{
			{Path: path(0, "images", "0", "newName"), Line: 5, Value: "ghcr.io/stefanprodan/podinfo", Policy: "flux-system:podinfo", Field: "name"},
			{Path: path(0, "images", "0", "newTag"), Line: 6, Value: "6.5.0", Policy: "flux-system:podinfo", Field: "tag"},
			{Path: path(0, "images", "0", "digest"), Line: 7, Value: "sha256:0123", Policy: "flux-system:podinfo", Field: "digest"},
			{Path: path(1, "spec", "template", "spec", "containers", "0", "image"), Line: 16, Value: "ghcr.io/acme/app:1.2.3", Policy: "apps:app"},
		}},
		{name: "helm release", file: filepath.Join("set", "helmrelease.yaml"), want: []yamledit.Setter{
			{Path: path(0, "spec", "chart", "spec", "version"), Line: 11, Value: "6.5.0", Policy: "flux-system:podinfo", Field: "tag"},
			{Path: path(0, "spec", "values", "image", "repository"), Line: 18, Value: "ghcr.io/stefanprodan/podinfo", Policy: "flux-system:podinfo", Field: "name"},
			{Path: path(0, "spec", "values", "image", "tag"), Line: 19, Value: "6.5.0", Policy: "flux-system:podinfo", Field: "tag"},
		}},
		{name: "no markers", file: filepath.Join("set", "comments.yaml")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := yamledit.Setters(readFile(t, tt.file))
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestSettersErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		msg  string
	}{
		{name: "not JSON", in: "image: x # {\"$imagepolicy\": flux-system:podinfo}\n",
			msg: `setters: line 1: invalid image policy marker {"$imagepolicy": flux-system:podinfo}: not a JSON object`},
		{name: "not a string", in: "image: x # {\"$imagepolicy\": 1}\n",
			msg: `setters: line 1: invalid image policy marker {"$imagepolicy": 1}: "$imagepolicy" is not a string`},
		{name: "no namespace", in: "a:\n  image: x # {\"$imagepolicy\": \"podinfo\"}\n",
			msg: `setters: line 2: invalid image policy marker {"$imagepolicy": "podinfo"}: "podinfo" is not namespace:name[:field]`},
		{name: "unknown field", in: "image: x # {\"$imagepolicy\": \"ns:podinfo:version\"}\n",
			msg: `field "version" in "ns:podinfo:version" is not tag, name or digest`},
		{name: "invalid YAML", in: "a: b\n  c: d\n", msg: "setters: invalid YAML at line 2"},
		{name: "under a duplicate key", in: "a:\n  image: x # {\"$imagepolicy\": \"ns:p\"}\na: 1\n",
			msg: `setters: line 2: the image policy marker is under a key "a" that appears twice in its mapping, at lines 1 and 3; remove the duplicate`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := yamledit.Setters([]byte(tt.in))
			require.Error(t, err)
			assert.Nil(t, got)
			assert.Contains(t, err.Error(), tt.msg)
		})
	}
}
