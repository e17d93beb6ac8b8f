package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferrygitops/ferry/validate"
)

func TestValidateListSchemas(t *testing.T) {
	code, out, stderr := runCLI(t, "validate", "--list-schemas")
	require.Equal(t, 0, code, stderr)
	_, again, _ := runCLI(t, "validate", "--list-schemas")
	assert.Equal(t, out, again, "the listing is deterministic")
	lines := strings.Split(out, "\n")
	assert.Equal(t, "Kubernetes versions (built-in kinds):", lines[0])
	assert.Regexp(t, `^  1\.24 +k8s\.io/kubernetes@v1\.24\.17$`, lines[1])
	assert.Contains(t, out, "GitOps toolchain (custom resources without a CRD in the input or --crd):")
	assert.Regexp(t, `(?m)^  helm\.toolkit\.fluxcd\.io +HelmRelease +v2 +Flux helm-controller +github\.com/fluxcd/helm-controller@v1\.6\.4$`, out)
	assert.Regexp(t, `(?m)^  kyverno\.io +ClusterPolicy +v1 \(deprecated\), v2beta1 \(deprecated\) +Kyverno +github\.com/kyverno/kyverno@v1\.19\.1$`, out)

	code, out, stderr = runCLI(t, "validate", "--list-schemas", "-o", "json")
	require.Equal(t, 0, code, stderr)
	var got validate.EmbeddedSchemas
	require.NoError(t, json.Unmarshal([]byte(out), &got))
	want, err := validate.Embedded()
	require.NoError(t, err)
	assert.Equal(t, want, got)

	code, _, stderr = runCLI(t, "validate", "--list-schemas", "-o", "sarif")
	assert.Equal(t, exitError, code)
	assert.Contains(t, stderr, `--list-schemas: output format "sarif" is not supported: use text or json`)
}
