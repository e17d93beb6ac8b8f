package validate_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferrygitops/ferry/finding"
	"github.com/ferrygitops/ferry/manifest"
	"github.com/ferrygitops/ferry/validate"
)

// spokeKustomization is a Flux Kustomization in flux-system, applied by
// parent ("" for none), with an optional kubeConfig block.
func spokeKustomization(t *testing.T, name, parent, kubeConfig string) *manifest.Object {
	t.Helper()
	doc := "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: " + name + ", namespace: flux-system}\nspec:\n  path: ./apps\n"
	if kubeConfig != "" {
		doc += "  kubeConfig: " + kubeConfig + "\n"
	}
	return appliedBy(t, decode(t, doc)[0], parent)
}

// appliedBy returns obj as rendered by the Flux Kustomization
// flux-system/parent.
func appliedBy(t *testing.T, obj *manifest.Object, parent string) *manifest.Object {
	t.Helper()
	if parent == "" {
		return obj
	}
	o := obj.Origin()
	o.Kustomization = "flux-system/" + parent
	return obj.WithOrigin(o)
}

func object(t *testing.T, file, doc string) *manifest.Object {
	t.Helper()
	objs, err := manifest.Decode(file, []byte(doc))
	require.NoError(t, err)
	require.Len(t, objs, 1)
	return objs[0]
}

func duplicates(fs []finding.Finding) []finding.Finding {
	var out []finding.Finding
	for _, f := range fs {
		if f.Rule == "duplicate-object" {
			out = append(out, f)
		}
	}
	return out
}

func TestDuplicates(t *testing.T) {
	const ns = "apiVersion: v1\nkind: Namespace\nmetadata: {name: apps}\n"
	const cm = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: apps}\n"
	tests := []struct {
		name  string
		scope validate.DuplicateScope
		objs  func(t *testing.T) []*manifest.Object
		want  []string // messages, in order
	}{
		{
			name: "same cluster",
			objs: func(t *testing.T) []*manifest.Object {
				return []*manifest.Object{object(t, "a.yaml", ns), object(t, "b.yaml", ns)}
			},
			want: []string{"Namespace/apps is defined twice: first at a.yaml:1"},
		},
		{
			name: "spokes of a hub are separate clusters",
			objs: func(t *testing.T) []*manifest.Object {
				return []*manifest.Object{
					spokeKustomization(t, "spoke-a", "", "{secretRef: {name: spoke-a-kubeconfig}}"),
					spokeKustomization(t, "spoke-b", "", "{secretRef: {name: spoke-b-kubeconfig, key: value}}"),
					spokeKustomization(t, "spoke-c", "", "{configMapRef: {name: spoke-c}}"),
					appliedBy(t, object(t, "apps/ns.yaml", ns), "spoke-a"),
					appliedBy(t, object(t, "apps/ns.yaml", ns), "spoke-b"),
					appliedBy(t, object(t, "apps/ns.yaml", ns), "spoke-c"),
					object(t, "hub/ns.yaml", ns), // the hub's own
				}
			},
		},
		{
			name: "the same spoke twice",
			objs: func(t *testing.T) []*manifest.Object {
				return []*manifest.Object{
					spokeKustomization(t, "one", "", "{secretRef: {name: spoke}}"),
					spokeKustomization(t, "two", "", "{secretRef: {name: spoke}}"),
					appliedBy(t, object(t, "apps/ns.yaml", ns), "one"),
					appliedBy(t, object(t, "other/ns.yaml", ns), "two"),
				}
			},
			want: []string{"Namespace/apps is defined twice for the cluster of kubeConfig Secret/flux-system/spoke: first at apps/ns.yaml:1"},
		},
		{
			name: "Kustomizations without kubeConfig apply where they live",
			objs: func(t *testing.T) []*manifest.Object {
				return []*manifest.Object{
					spokeKustomization(t, "spoke", "", "{secretRef: {name: spoke}}"),
					spokeKustomization(t, "spoke-apps", "spoke", ""),
					spokeKustomization(t, "local-apps", "", ""),
					appliedBy(t, object(t, "apps/ns.yaml", ns), "spoke-apps"),
					appliedBy(t, object(t, "apps/ns.yaml", ns), "local-apps"),
					appliedBy(t, object(t, "apps/cm.yaml", cm), "local-apps"),
					object(t, "hub/cm.yaml", cm),
				}
			},
			want: []string{"ConfigMap/apps/a is defined twice: first at apps/cm.yaml:1"},
		},
		{
			name: "Kustomizations that apply each other",
			objs: func(t *testing.T) []*manifest.Object {
				return []*manifest.Object{
					spokeKustomization(t, "a", "b", ""),
					spokeKustomization(t, "b", "a", ""),
					appliedBy(t, object(t, "x.yaml", ns), "a"),
					appliedBy(t, object(t, "y.yaml", ns), "b"),
				}
			},
			want: []string{"Namespace/apps is defined twice: first at x.yaml:1"},
		},
		{
			name: "generateName only",
			objs: func(t *testing.T) []*manifest.Object {
				const job = "apiVersion: batch/v1\nkind: Job\nmetadata: {generateName: migrate-, namespace: apps}\nspec: {template: {spec: {restartPolicy: Never, containers: [{name: m, image: m:1.0.0}]}}}\n"
				return []*manifest.Object{object(t, "a.yaml", job), object(t, "b.yaml", job)}
			},
		},
		{
			name:  "per file: files apart",
			scope: validate.DuplicatesPerFile,
			objs: func(t *testing.T) []*manifest.Object {
				return []*manifest.Object{object(t, "a.yaml", ns), object(t, "b.yaml", ns)}
			},
		},
		{
			name:  "per file: within one file",
			scope: validate.DuplicatesPerFile,
			objs: func(t *testing.T) []*manifest.Object {
				objs, err := manifest.Decode("a.yaml", []byte(ns+"---\n"+cm+"---\n"+ns))
				require.NoError(t, err)
				return append(objs, object(t, "b.yaml", ns))
			},
			want: []string{"Namespace/apps is defined twice: first at a.yaml:1"},
		},
		{
			name:  "off",
			scope: validate.DuplicatesOff,
			objs: func(t *testing.T) []*manifest.Object {
				return []*manifest.Object{object(t, "a.yaml", ns), object(t, "a.yaml", ns)}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := validate.New(validate.Options{Duplicates: tt.scope})
			require.NoError(t, err)
			got, err := v.Validate(context.Background(), tt.objs(t))
			require.NoError(t, err)
			var msgs []string
			for _, f := range duplicates(got) {
				msgs = append(msgs, f.Message)
				assert.Equal(t, finding.SeverityError, f.Severity)
			}
			assert.Equal(t, tt.want, msgs)
		})
	}
}

func TestDuplicateScopeInvalid(t *testing.T) {
	_, err := validate.New(validate.Options{Duplicates: validate.DuplicatesOff + 1})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "unknown duplicate scope")
	assert.Equal(t, "off", validate.DuplicatesOff.String())
	assert.Equal(t, "cluster", validate.DuplicateScope(0).String())
}
