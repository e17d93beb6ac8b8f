package validate_test

import (
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferrygitops/ferry/finding"
	"github.com/ferrygitops/ferry/manifest"
	"github.com/ferrygitops/ferry/validate"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// decode parses inline YAML as the file in.yaml.
func decode(t testing.TB, doc string) []*manifest.Object {
	t.Helper()
	objs, err := manifest.Decode("in.yaml", []byte(doc))
	require.NoError(t, err)
	return objs
}

// brief is the part of a finding the table tests compare.
type brief struct {
	Rule     string
	Severity finding.Severity
	Object   string
	Field    string
	Message  string // a substring of the message
}

func briefs(fs []finding.Finding) []brief {
	out := make([]brief, len(fs))
	for i, f := range fs {
		out[i] = brief{Rule: f.Rule, Severity: f.Severity, Object: f.Object.String(), Field: f.Field, Message: f.Message}
	}
	return out
}

func assertFindings(t *testing.T, want []brief, got []finding.Finding) {
	t.Helper()
	gotBriefs := briefs(got)
	if !assert.Len(t, gotBriefs, len(want), "findings: %v", got) {
		return
	}
	for i, w := range want {
		g := gotBriefs[i]
		assert.Equal(t, w.Rule, g.Rule, "finding %d: %s", i, got[i])
		assert.Equal(t, w.Severity, g.Severity, "finding %d: %s", i, got[i])
		assert.Equal(t, w.Object, g.Object, "finding %d: %s", i, got[i])
		assert.Equal(t, w.Field, g.Field, "finding %d: %s", i, got[i])
		assert.Contains(t, g.Message, w.Message, "finding %d", i)
	}
}

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      creationTimestamp: null
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:1.27
`

func TestValidate(t *testing.T) {
	errSev, warnSev := finding.SeverityError, finding.SeverityWarning
	tests := []struct {
		name string
		opts validate.Options
		in   string
		want []brief
	}{
		{name: "valid deployment", in: deployment},
		{
			name: "unknown field",
			in:   deployment + "          imagee: nginx\n",
			want: []brief{{Rule: "schema", Severity: errSev, Object: "apps/Deployment/shop/web", Field: "/spec/template/spec/containers/0/imagee", Message: `unknown field "imagee"`}},
		},
		{name: "unknown field, lax", opts: validate.Options{Lax: true}, in: deployment + "          imagee: nginx\n"},
		{
			name: "wrong type",
			in:   strings.Replace(deployment, "spec:\n  selector", "spec:\n  replicas: two\n  selector", 1),
			want: []brief{{Rule: "schema", Severity: errSev, Object: "apps/Deployment/shop/web", Field: "/spec/replicas", Message: "got string, want integer"}},
		},
		{
			name: "missing required field",
			in:   "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  ports: [{targetPort: 80}]\n",
			want: []brief{{Rule: "schema", Severity: errSev, Object: "Service/web", Field: "/spec/ports/0", Message: "missing property 'port'"}},
		},
		{
			name: "bad quantity",
			in:   "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: a, image: a, resources: {limits: {memory: 1gb}}}]\n",
			want: []brief{{Rule: "schema", Severity: errSev, Object: "Pod/p", Field: "/spec/containers/0/resources/limits/memory", Message: "'1gb' is not a quantity"}},
		},
		{
			name: "policy/v1beta1 PodDisruptionBudget in 1.25",
			opts: validate.Options{KubernetesVersion: "1.25"},
			in:   "apiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nmetadata: {name: pdb}\nspec: {minAvailable: 1}\n",
			want: []brief{{Rule: "removed-api", Severity: errSev, Object: "policy/PodDisruptionBudget/pdb", Field: "/apiVersion", Message: "no longer served since Kubernetes 1.25: use policy/v1"}},
		},
		{
			name: "policy/v1beta1 PodDisruptionBudget in 1.24",
			opts: validate.Options{KubernetesVersion: "v1.24"},
			in:   "apiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nmetadata: {name: pdb}\nspec: {minAvailable: 1}\n",
			want: []brief{{Rule: "deprecated-api", Severity: warnSev, Object: "policy/PodDisruptionBudget/pdb", Field: "/apiVersion", Message: "deprecated since Kubernetes 1.21 and no longer served from 1.25: use policy/v1"}},
		},
		{
			name: "autoscaling/v2beta2 HorizontalPodAutoscaler in 1.26",
			opts: validate.Options{KubernetesVersion: "1.26.3"},
			in:   "apiVersion: autoscaling/v2beta2\nkind: HorizontalPodAutoscaler\nmetadata: {name: h}\nspec: {}\n",
			want: []brief{{Rule: "removed-api", Severity: errSev, Object: "autoscaling/HorizontalPodAutoscaler/h", Field: "/apiVersion", Message: "no longer served since Kubernetes 1.26: use autoscaling/v2"}},
		},
		{
			name: "autoscaling/v2beta2 HorizontalPodAutoscaler in 1.25",
			opts: validate.Options{KubernetesVersion: "1.25"},
			in:   "apiVersion: autoscaling/v2beta2\nkind: HorizontalPodAutoscaler\nmetadata: {name: h}\nspec: {scaleTargetRef: {kind: Deployment, name: web}, maxReplicas: 3}\n",
			want: []brief{{Rule: "deprecated-api", Severity: warnSev, Object: "autoscaling/HorizontalPodAutoscaler/h", Field: "/apiVersion", Message: "no longer served from 1.26: use autoscaling/v2"}},
		},
		{
			name: "flowcontrol v1beta3 in 1.32",
			opts: validate.Options{KubernetesVersion: "1.32"},
			in:   "apiVersion: flowcontrol.apiserver.k8s.io/v1beta3\nkind: FlowSchema\nmetadata: {name: f}\nspec: {}\n",
			want: []brief{{Rule: "removed-api", Severity: errSev, Object: "flowcontrol.apiserver.k8s.io/FlowSchema/f", Field: "/apiVersion", Message: "since Kubernetes 1.32: use flowcontrol.apiserver.k8s.io/v1"}},
		},
		{
			name: "batch/v1beta1 CronJob in 1.37",
			in:   "apiVersion: batch/v1beta1\nkind: CronJob\nmetadata: {name: c}\nspec: {}\n",
			want: []brief{{Rule: "removed-api", Severity: errSev, Object: "batch/CronJob/c", Field: "/apiVersion", Message: "no longer served since Kubernetes 1.25: use batch/v1"}},
		},
		{
			name: "removed before the oldest embedded version",
			in:   strings.Replace(deployment, "apps/v1", "extensions/v1beta1", 1),
			want: []brief{{Rule: "removed-api", Severity: errSev, Object: "extensions/Deployment/shop/web", Field: "/apiVersion", Message: "since Kubernetes 1.16: use apps/v1"}},
		},
		{
			name: "removal derived from the specs",
			in:   "apiVersion: networking.k8s.io/v1beta1\nkind: ServiceCIDR\nmetadata: {name: s}\nspec: {}\n",
			want: []brief{{Rule: "removed-api", Severity: errSev, Object: "networking.k8s.io/ServiceCIDR/s", Field: "/apiVersion", Message: "no longer served since Kubernetes 1.37: use networking.k8s.io/v1"}},
		},
		{
			name: "deprecated without removal",
			opts: validate.Options{KubernetesVersion: "1.33"},
			in:   "apiVersion: v1\nkind: Endpoints\nmetadata: {name: e}\n",
			want: []brief{{Rule: "deprecated-api", Severity: warnSev, Object: "Endpoints/e", Field: "/apiVersion", Message: "use discovery.k8s.io/v1 EndpointSlice"}},
		},
		{name: "not yet deprecated", opts: validate.Options{KubernetesVersion: "1.32"}, in: "apiVersion: v1\nkind: Endpoints\nmetadata: {name: e}\n"},
		{
			name: "not yet served",
			opts: validate.Options{KubernetesVersion: "1.30"},
			in:   "apiVersion: resource.k8s.io/v1\nkind: DeviceClass\nmetadata: {name: d}\nspec: {}\n",
			want: []brief{{Rule: "missing-schema", Severity: errSev, Object: "resource.k8s.io/DeviceClass/d", Message: "not served by Kubernetes 1.30: it is served from 1.34 on"}},
		},
		{
			name: "custom resource without CRD",
			in:   "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n",
			want: []brief{{Rule: "missing-schema", Severity: errSev, Object: "example.com/Widget/w", Message: "no schema for example.com/v1 Widget in Kubernetes 1.37"}},
		},
		{name: "missing schema ignored", opts: validate.Options{IgnoreMissingSchemas: true}, in: "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n"},
		{name: "skipped kind", opts: validate.Options{SkipKinds: []string{"Deployment"}}, in: deployment + "          imagee: nginx\n"},
		{name: "skipped apiVersion/kind", opts: validate.Options{SkipKinds: []string{"apps/v1/Deployment"}}, in: deployment + "          imagee: nginx\n"},
		{
			name: "rejected kind",
			opts: validate.Options{RejectKinds: []string{"v1/Secret"}},
			in:   "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\n",
			want: []brief{{Rule: "rejected-kind", Severity: errSev, Object: "Secret/s", Field: "/kind", Message: "kind Secret (v1) is not allowed"}},
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

// TestValidateGolden checks every finding, messages and source lines
// included, on a mixed input read through Options.Sources.
func TestValidateGolden(t *testing.T) {
	dir := filepath.Join("testdata", "golden")
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".yaml")
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(file)
			require.NoError(t, err)
			objs, err := manifest.Decode(filepath.Base(file), data)
			require.NoError(t, err)
			crds, err := validate.LoadCRDs(context.Background(), filepath.Join("testdata", "crds", "flux"))
			require.NoError(t, err)
			v, err := validate.New(validate.Options{KubernetesVersion: "1.30", CRDs: crds, Sources: os.DirFS(dir)})
			require.NoError(t, err)
			got, err := v.Validate(context.Background(), objs)
			require.NoError(t, err)
			js, err := json.MarshalIndent(got, "", "  ")
			require.NoError(t, err)
			js = append(js, '\n')
			golden := filepath.Join(dir, name+".golden.json")
			if *update {
				require.NoError(t, os.WriteFile(golden, js, 0o644))
			}
			want, err := os.ReadFile(golden)
			require.NoError(t, err, "run go test ./validate -update to create the golden file")
			assert.Equal(t, string(want), string(js))
		})
	}
}

func TestValidateContextCanceled(t *testing.T) {
	v, err := validate.New(validate.Options{})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	fs, err := v.Validate(ctx, decode(t, deployment))
	assert.ErrorIs(t, err, context.Canceled)
	assert.Nil(t, fs)
}

func TestSupportedVersions(t *testing.T) {
	versions := validate.SupportedVersions()
	require.NotEmpty(t, versions)
	assert.Equal(t, "1.24", versions[0])
	assert.Equal(t, "1.37", versions[len(versions)-1])
	assert.Len(t, versions, 14, "every minor version from 1.24 to 1.37")
	v, err := validate.New(validate.Options{})
	require.NoError(t, err)
	assert.Equal(t, "1.37", v.KubernetesVersion(), "the default is the newest version")
}
