package render_test

import (
	"context"
	"errors"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferrygitops/ferry/finding"
	"github.com/ferrygitops/ferry/manifest"
	"github.com/ferrygitops/ferry/render"
)

func TestErrorFinding(t *testing.T) {
	tests := []struct {
		name  string
		files fstest.MapFS
		want  *finding.Finding // nil: not a finding
	}{
		{
			name:  "remote base",
			files: fstest.MapFS{"app/kustomization.yaml": file("resources:\n- ./cm.yaml\n- https://github.com/acme/base//app?ref=v1.0.0\n"), "app/cm.yaml": file("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n")},
			want: &finding.Finding{
				Rule: "render-error", Severity: finding.SeverityError,
				Message: "remote base",
				Source:  manifest.Origin{File: "app/kustomization.yaml", Line: 3},
			},
		},
		{
			name:  "missing file",
			files: fstest.MapFS{"app/kustomization.yaml": file("resources:\n- nope.yaml\n")},
			want: &finding.Finding{
				Rule: "render-error", Severity: finding.SeverityError,
				Message: `cannot render app: "nope.yaml" not found`,
				Source:  manifest.Origin{File: "app/kustomization.yaml", Line: 2},
			},
		},
		{
			name: "outside the root is refused, not reported",
			files: fstest.MapFS{
				"app/kustomization.yaml": file("resources:\n- ../../outside.yaml\n"),
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := render.New(render.Options{FS: tt.files})
			require.NoError(t, err)
			_, err = r.Render(context.Background(), "app")
			require.Error(t, err)
			got, ok := render.ErrorFinding("app", err)
			if tt.want == nil {
				assert.False(t, ok, "finding %v for %v", got, err)
				return
			}
			require.True(t, ok, "no finding for %v", err)
			assert.Equal(t, tt.want.Rule, got.Rule)
			assert.Equal(t, tt.want.Severity, got.Severity)
			assert.Contains(t, got.Message, tt.want.Message)
			assert.Equal(t, tt.want.Source, got.Source)
		})
	}
	_, ok := render.ErrorFinding("app", context.Canceled)
	assert.False(t, ok)
	_, ok = render.ErrorFinding("app", errors.New("other"))
	assert.False(t, ok)
}
