package validate_test

import (
	"bytes"
	"context"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferrygitops/ferry/finding"
	"github.com/ferrygitops/ferry/manifest"
	"github.com/ferrygitops/ferry/validate"
)

const (
	fluxKustomization = `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: apps, namespace: flux-system}
spec:
  interval: 10m
  path: ./apps
  prune: true
  sourceRef: {kind: GitRepository, name: flux-system}
`
	fluxGitRepository = `apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: flux-system, namespace: flux-system}
spec:
  interval: 1m
  url: https://example.com/fleet.git
  ref: {branch: main}
`
	fluxHelmRelease = `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: podinfo, namespace: apps}
spec:
  interval: 10m
  chart:
    spec:
      chart: podinfo
      version: "6.5.4"
      sourceRef: {kind: HelmRepository, name: podinfo}
  values:
    replicaCount: 2
`
	flaggerCanary = `apiVersion: flagger.app/v1beta1
kind: Canary
metadata: {name: podinfo, namespace: apps}
spec:
  targetRef: {apiVersion: apps/v1, kind: Deployment, name: podinfo}
  service: {port: 9898}
  analysis:
    interval: 1m
    threshold: 5
    maxWeight: 50
    stepWeight: 10
`
	argoRollout = `apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: web, namespace: apps}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: "nginx:1.27.0"}]
  strategy:
    canary:
      steps: [{setWeight: 20}, {pause: {duration: 1h}}]
`
	argoApplication = `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: web, namespace: argocd}
spec:
  project: default
  source: {repoURL: "https://example.com/apps.git", path: web, targetRevision: HEAD}
  destination: {server: "https://kubernetes.default.svc", namespace: web}
`
	certificate = `apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: web, namespace: apps}
spec:
  secretName: web-tls
  dnsNames: [web.example.com]
  issuerRef: {name: letsencrypt, kind: ClusterIssuer}
`
	serviceMonitor = `apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: web, namespace: apps}
spec:
  selector: {matchLabels: {app: web}}
  endpoints: [{port: http, interval: 30s}]
`
	kyvernoPolicy = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: require-labels}
spec:
  rules:
    - name: check
      match: {any: [{resources: {kinds: [Pod]}}]}
      validate: {message: "label app is required", pattern: {metadata: {labels: {app: "?*"}}}}
`
)

// TestToolchainSchemas validates custom resources of the GitOps toolchain
// with no CRD in the input: the embedded schemas check them, strictly.
func TestToolchainSchemas(t *testing.T) {
	tests := []struct {
		name string
		in   string
		opts validate.Options
		want []brief
	}{
		{name: "flux objects are valid", in: fluxKustomization + "---\n" + fluxGitRepository + "---\n" + fluxHelmRelease},
		{name: "other toolchain objects are valid", in: flaggerCanary + "---\n" + argoRollout + "---\n" + argoApplication + "---\n" + certificate + "---\n" + serviceMonitor},
		{
			name: "unknown field in a HelmRelease",
			in:   strings.Replace(fluxHelmRelease, "      chart: podinfo\n", "      chart: podinfo\n      chartVersion: \"6.5.4\"\n", 1),
			want: []brief{{Rule: "schema", Severity: finding.SeverityError, Object: "helm.toolkit.fluxcd.io/HelmRelease/apps/podinfo", Field: "/spec/chart/spec/chartVersion", Message: `unknown field "chartVersion"`}},
		},
		{
			name: "unknown field in a HelmRelease, lax",
			in:   strings.Replace(fluxHelmRelease, "      chart: podinfo\n", "      chart: podinfo\n      chartVersion: \"6.5.4\"\n", 1),
			opts: validate.Options{Lax: true},
		},
		{
			name: "HelmRelease values are free-form",
			in:   strings.Replace(fluxHelmRelease, "replicaCount: 2", "anything: {goes: [1, two]}", 1),
		},
		{
			name: "HelmRelease without its required interval",
			in:   strings.Replace(fluxHelmRelease, "  interval: 10m\n", "", 1),
			want: []brief{{Rule: "schema", Severity: finding.SeverityError, Object: "helm.toolkit.fluxcd.io/HelmRelease/apps/podinfo", Field: "/spec", Message: "interval"}},
		},
		{
			name: "wrong type in a Flagger Canary",
			in:   strings.Replace(flaggerCanary, "threshold: 5", "threshold: five", 1),
			want: []brief{{Rule: "schema", Severity: finding.SeverityError, Object: "flagger.app/Canary/apps/podinfo", Field: "/spec/analysis/threshold", Message: "got string, want"}},
		},
		{
			name: "wrong enum in a Kustomization's sourceRef",
			in:   strings.Replace(fluxKustomization, "kind: GitRepository", "kind: GitRepo", 1),
			want: []brief{{Rule: "schema", Severity: finding.SeverityError, Object: "kustomize.toolkit.fluxcd.io/Kustomization/flux-system/apps", Field: "/spec/sourceRef/kind", Message: "GitRepo"}},
		},
		{
			name: "helm.toolkit.fluxcd.io/v2beta2 is no longer served",
			in:   strings.Replace(fluxHelmRelease, "helm.toolkit.fluxcd.io/v2", "helm.toolkit.fluxcd.io/v2beta2", 1),
			want: []brief{{Rule: "removed-api", Severity: finding.SeverityError, Object: "helm.toolkit.fluxcd.io/HelmRelease/apps/podinfo", Field: "/apiVersion", Message: "helm.toolkit.fluxcd.io/v2beta2 HelmRelease is not served by Flux helm-controller v1.6.4: use helm.toolkit.fluxcd.io/v2"}},
		},
		{
			name: "source.toolkit.fluxcd.io/v1beta2 is no longer served",
			in:   strings.Replace(fluxGitRepository, "source.toolkit.fluxcd.io/v1", "source.toolkit.fluxcd.io/v1beta2", 1),
			want: []brief{{Rule: "removed-api", Severity: finding.SeverityError, Object: "source.toolkit.fluxcd.io/GitRepository/flux-system/flux-system", Field: "/apiVersion", Message: "source.toolkit.fluxcd.io/v1beta2 GitRepository is not served by Flux source-controller v1.9.5: use source.toolkit.fluxcd.io/v1"}},
		},
		{
			name: "a removed toolchain apiVersion is reported even when missing schemas are ignored",
			in:   strings.Replace(fluxHelmRelease, "helm.toolkit.fluxcd.io/v2", "helm.toolkit.fluxcd.io/v2beta1", 1),
			opts: validate.Options{IgnoreMissingSchemas: true},
			want: []brief{{Rule: "removed-api", Severity: finding.SeverityError, Object: "helm.toolkit.fluxcd.io/HelmRelease/apps/podinfo", Field: "/apiVersion", Message: "v2beta1 HelmRelease is not served"}},
		},
		{
			name: "a version its CRD marks deprecated",
			in:   kyvernoPolicy,
			want: []brief{{Rule: "deprecated-api", Severity: finding.SeverityWarning, Object: "kyverno.io/ClusterPolicy/require-labels", Field: "/apiVersion", Message: "kyverno.io/v1 ClusterPolicy is deprecated by Kyverno v1.19.1"}},
		},
		{
			name: "without the toolchain schemas",
			in:   fluxHelmRelease,
			opts: validate.Options{NoToolchainSchemas: true},
			want: []brief{{Rule: "missing-schema", Severity: finding.SeverityError, Object: "helm.toolkit.fluxcd.io/HelmRelease/apps/podinfo", Message: "no schema for helm.toolkit.fluxcd.io/v2 HelmRelease"}},
		},
		{
			name: "without the toolchain schemas, a removed version is only missing",
			in:   strings.Replace(fluxHelmRelease, "helm.toolkit.fluxcd.io/v2", "helm.toolkit.fluxcd.io/v2beta2", 1),
			opts: validate.Options{NoToolchainSchemas: true},
			want: []brief{{Rule: "missing-schema", Severity: finding.SeverityError, Object: "helm.toolkit.fluxcd.io/HelmRelease/apps/podinfo", Message: "no schema for helm.toolkit.fluxcd.io/v2beta2 HelmRelease"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := validate.New(tt.opts)
			require.NoError(t, err)
			got, err := v.Validate(context.Background(), decode(t, tt.in))
			require.NoError(t, err)
			assertFindings(t, tt.want, got)
		})
	}
}

// permissiveHelmReleaseCRD defines HelmRelease v2 and v2beta2 with schemas
// that accept anything in spec, and marks v2beta2 deprecated.
const permissiveHelmReleaseCRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: helmreleases.helm.toolkit.fluxcd.io}
spec:
  group: helm.toolkit.fluxcd.io
  names: {kind: HelmRelease, plural: helmreleases}
  scope: Namespaced
  versions:
    - name: v2
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec: {type: object, x-kubernetes-preserve-unknown-fields: true}
    - name: v2beta2
      served: true
      storage: false
      deprecated: true
      deprecationWarning: v2beta2 HelmRelease is deprecated, upgrade to v2
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec: {type: object, x-kubernetes-preserve-unknown-fields: true}
`

// TestToolchainPrecedence checks that a CRD in the input or in
// Options.CRDs wins over the embedded one, for the versions it serves and
// for those it does not.
func TestToolchainPrecedence(t *testing.T) {
	unknownField := strings.Replace(fluxHelmRelease, "      chart: podinfo\n", "      chart: podinfo\n      chartVersion: \"6.5.4\"\n", 1)
	v2beta2 := strings.Replace(fluxHelmRelease, "helm.toolkit.fluxcd.io/v2", "helm.toolkit.fluxcd.io/v2beta2", 1)
	onlyV1 := strings.Replace(strings.Replace(permissiveHelmReleaseCRD, "name: v2\n", "name: v1\n", 1), "    - name: v2beta2", "    - name: v0", 1)
	crds := decode(t, permissiveHelmReleaseCRD)
	deprecated := brief{Rule: "deprecated-api", Severity: finding.SeverityWarning, Object: "helm.toolkit.fluxcd.io/HelmRelease/apps/podinfo", Field: "/apiVersion",
		Message: "helm.toolkit.fluxcd.io/v2beta2 HelmRelease is deprecated by its CustomResourceDefinition helmreleases.helm.toolkit.fluxcd.io (v2beta2 HelmRelease is deprecated, upgrade to v2): use helm.toolkit.fluxcd.io/v2"}
	tests := []struct {
		name string
		in   string
		opts validate.Options
		want []brief
	}{
		{name: "input CRD wins", in: permissiveHelmReleaseCRD + "---\n" + unknownField},
		{name: "Options.CRDs win", in: unknownField, opts: validate.Options{CRDs: crds}},
		{name: "input CRD serves a version the embedded one does not", in: permissiveHelmReleaseCRD + "---\n" + v2beta2, want: []brief{deprecated}},
		{name: "Options.CRDs serve a version the embedded one does not", in: v2beta2, opts: validate.Options{CRDs: crds}, want: []brief{deprecated}},
		{
			name: "a CRD of the kind that does not serve the version hides the embedded one",
			in:   onlyV1 + "---\n" + fluxHelmRelease,
			want: []brief{{Rule: "missing-schema", Severity: finding.SeverityError, Object: "helm.toolkit.fluxcd.io/HelmRelease/apps/podinfo", Message: "no schema for helm.toolkit.fluxcd.io/v2 HelmRelease"}},
		},
		{
			name: "the embedded schema applies when no CRD defines the kind",
			in:   unknownField,
			want: []brief{{Rule: "schema", Severity: finding.SeverityError, Object: "helm.toolkit.fluxcd.io/HelmRelease/apps/podinfo", Field: "/spec/chart/spec/chartVersion", Message: `unknown field "chartVersion"`}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := validate.New(tt.opts)
			require.NoError(t, err)
			got, err := v.Validate(context.Background(), decode(t, tt.in))
			require.NoError(t, err)
			assertFindings(t, tt.want, got)
		})
	}
}

// TestToolchainSchemasMatchInputCRDs checks that an embedded CRD gives the
// same verdicts as the same CRD found in the input.
func TestToolchainSchemasMatchInputCRDs(t *testing.T) {
	crd := validate.EmbeddedCRD(t, "helm.toolkit.fluxcd.io", "HelmRelease")
	objs := []string{
		fluxHelmRelease,
		strings.Replace(fluxHelmRelease, "      chart: podinfo\n", "      chart: podinfo\n      chartVersion: \"6.5.4\"\n", 1),
		strings.Replace(fluxHelmRelease, "interval: 10m", "interval: [10m]", 1),
		strings.Replace(fluxHelmRelease, "kind: HelmRepository", "kind: HelmRepo", 1),
	}
	for _, lax := range []bool{false, true} {
		v, err := validate.New(validate.Options{Lax: lax})
		require.NoError(t, err)
		for i, doc := range objs {
			embedded, err := v.Validate(context.Background(), decode(t, doc))
			require.NoError(t, err)
			withCRD, err := v.Validate(context.Background(), append([]*manifest.Object{crd}, decode(t, doc)...))
			require.NoError(t, err)
			assert.Equal(t, embedded, withCRD, "object %d, lax %v", i, lax)
			if i > 0 && !lax {
				assert.NotEmpty(t, embedded, "object %d must be invalid", i)
			}
		}
	}
}

// TestEmbeddedToolchainCompiles checks every embedded kind and version: its
// schema converts and compiles, and a bare object of it gets schema findings
// at most (never an invalid CRD or an error).
func TestEmbeddedToolchainCompiles(t *testing.T) {
	emb, err := validate.Embedded()
	require.NoError(t, err)
	var docs bytes.Buffer
	n := 0
	for _, k := range emb.Toolchain {
		for _, ver := range k.Versions {
			n++
			docs.WriteString("---\napiVersion: " + k.Group + "/" + ver + "\nkind: " + k.Kind + "\nmetadata: {name: x" + strings.ToLower(ver) + ", namespace: ns}\n")
		}
	}
	require.Greater(t, n, 100)
	v, err := validate.New(validate.Options{})
	require.NoError(t, err)
	got, err := v.Validate(context.Background(), decode(t, docs.String()))
	require.NoError(t, err)
	for _, f := range got {
		assert.Contains(t, []string{"schema", "deprecated-api"}, f.Rule, "%s", f)
	}
}

func TestEmbedded(t *testing.T) {
	emb, err := validate.Embedded()
	require.NoError(t, err)
	again, err := validate.Embedded()
	require.NoError(t, err)
	assert.Equal(t, emb, again)

	require.NotEmpty(t, emb.Kubernetes)
	assert.Equal(t, validate.SupportedVersions()[0], emb.Kubernetes[0].Version)
	assert.Equal(t, "k8s.io/kubernetes@v1.24.17", emb.Kubernetes[0].Source)

	byKind := map[string]validate.ToolchainSchemas{}
	for i, k := range emb.Toolchain {
		byKind[k.Group+"/"+k.Kind] = k
		if i > 0 {
			prev := emb.Toolchain[i-1]
			assert.Less(t, prev.Group+"/"+prev.Kind, k.Group+"/"+k.Kind, "sorted by group and kind")
		}
	}
	assert.Equal(t, validate.ToolchainSchemas{
		Group: "helm.toolkit.fluxcd.io", Kind: "HelmRelease", Versions: []string{"v2"},
		Project: "Flux helm-controller", Module: "github.com/fluxcd/helm-controller", ModuleVersion: "v1.6.4",
	}, byKind["helm.toolkit.fluxcd.io/HelmRelease"])
	for _, gk := range []string{
		"source.toolkit.fluxcd.io/GitRepository", "source.toolkit.fluxcd.io/OCIRepository", "kustomize.toolkit.fluxcd.io/Kustomization",
		"flagger.app/Canary", "argoproj.io/Rollout", "argoproj.io/Application", "cert-manager.io/Certificate",
		"external-secrets.io/ExternalSecret", "monitoring.coreos.com/ServiceMonitor", "gateway.networking.k8s.io/HTTPRoute", "kyverno.io/ClusterPolicy",
		// From git repositories (-git): no Go module carries these CRDs.
		"notification.toolkit.fluxcd.io/Alert", "notification.toolkit.fluxcd.io/Provider", "notification.toolkit.fluxcd.io/Receiver",
		"image.toolkit.fluxcd.io/ImagePolicy", "image.toolkit.fluxcd.io/ImageRepository", "image.toolkit.fluxcd.io/ImageUpdateAutomation",
		"source.extensions.fluxcd.io/ArtifactGenerator", "kargo.akuity.io/Stage", "kargo.akuity.io/Warehouse", "kargo.akuity.io/Freight",
	} {
		assert.Contains(t, byKind, gk)
	}
	assert.Contains(t, byKind["kyverno.io/ClusterPolicy"].Deprecated, "v1")
}

// TestToolchainProvenance checks that the embedded toolchain bundle was
// generated from the modules the go:generate line of doc.go records.
func TestToolchainProvenance(t *testing.T) {
	doc, err := os.ReadFile("doc.go")
	require.NoError(t, err)
	var recorded []string
	for _, line := range strings.Split(string(doc), "\n") {
		if rest, ok := strings.CutPrefix(line, "//go:generate go run ../internal/crdschemagen -o schemas/toolchain.json.gz "); ok {
			fields := strings.Fields(rest)
			for i := 0; i < len(fields); i++ {
				if fields[i] == "-git" && i+1 < len(fields) {
					// -git MODULE@VERSION=URL: a project the module proxy
					// does not serve, cloned at its tag.
					mv, _, _ := strings.Cut(fields[i+1], "=")
					recorded = append(recorded, mv)
					i++
					continue
				}
				recorded = append(recorded, fields[i])
			}
		}
	}
	require.NotEmpty(t, recorded, "doc.go has the go:generate line")
	emb, err := validate.Embedded()
	require.NoError(t, err)
	seen := map[string]bool{}
	for _, k := range emb.Toolchain {
		seen[k.Module+"@"+k.ModuleVersion] = true
	}
	assert.ElementsMatch(t, recorded, slices.Sorted(maps.Keys(seen)))
}
