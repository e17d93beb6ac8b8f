package validate_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ferrygitops/ferry/manifest"
	"github.com/ferrygitops/ferry/validate"
)

// benchObjects generates n objects of an environment: for every app a
// Deployment, a Service, a ConfigMap and, every other app, an HPA.
func benchObjects(tb testing.TB, n int) []*manifest.Object {
	tb.Helper()
	objs := make([]*manifest.Object, 0, n)
	for i := 0; len(objs) < n; i++ {
		app := fmt.Sprintf("app-%05d", i)
		labels := map[string]any{"app.kubernetes.io/name": app, "app.kubernetes.io/part-of": "shop"}
		docs := []map[string]any{
			{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": map[string]any{"name": app, "namespace": "shop", "labels": labels},
				"spec": map[string]any{"replicas": int64(2), "selector": map[string]any{"matchLabels": labels},
					"template": map[string]any{"metadata": map[string]any{"labels": labels}, "spec": map[string]any{
						"containers": []any{map[string]any{"name": "app", "image": "ghcr.io/acme/" + app + ":1.2.3",
							"ports":          []any{map[string]any{"containerPort": int64(8080), "name": "http"}},
							"env":            []any{map[string]any{"name": "LOG_LEVEL", "value": "info"}},
							"resources":      map[string]any{"requests": map[string]any{"cpu": "100m", "memory": "128Mi"}, "limits": map[string]any{"memory": "256Mi"}},
							"readinessProbe": map[string]any{"httpGet": map[string]any{"path": "/healthz", "port": "http"}}}}}}}},
			{"apiVersion": "v1", "kind": "Service", "metadata": map[string]any{"name": app, "namespace": "shop", "labels": labels},
				"spec": map[string]any{"selector": labels, "ports": []any{map[string]any{"port": int64(80), "targetPort": "http"}}}},
			{"apiVersion": "v1", "kind": "ConfigMap", "metadata": map[string]any{"name": app, "namespace": "shop"},
				"data": map[string]any{"LOG_LEVEL": "info", "FEATURES": "a,b,c"}},
		}
		if i%2 == 0 {
			docs = append(docs, map[string]any{"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": map[string]any{"name": app, "namespace": "shop"},
				"spec": map[string]any{"scaleTargetRef": map[string]any{"apiVersion": "apps/v1", "kind": "Deployment", "name": app}, "minReplicas": int64(2), "maxReplicas": int64(10)}})
		}
		for _, d := range docs {
			if len(objs) == n {
				break
			}
			o, err := manifest.New(d, manifest.Origin{File: "apps/" + app + ".yaml", Line: 1})
			require.NoError(tb, err)
			objs = append(objs, o)
		}
	}
	return objs
}

// BenchmarkValidate validates generated environments of 1,000 and 10,000
// objects with one Validator (schemas compiled in the first iteration).
func BenchmarkValidate(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprintf("objects=%d", n), func(b *testing.B) {
			objs := benchObjects(b, n)
			v, err := validate.New(validate.Options{})
			require.NoError(b, err)
			ctx := context.Background()
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				fs, err := v.Validate(ctx, objs)
				if err != nil || len(fs) != 0 {
					b.Fatalf("findings %v, error %v", fs, err)
				}
			}
		})
	}
}
