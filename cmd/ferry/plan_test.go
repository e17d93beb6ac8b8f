package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPlanCommand is the README's first command.
func TestPlanCommand(t *testing.T) {
	example := atRoot(t, example)
	code, stdout, stderr := runCLI(t, "plan", "--root", example, "--from", "staging", "--to", "production")
	assert.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, "Promotion staging (overlays/staging) -> production (overlays/production): READY")
	assert.Contains(t, stdout, "+    newTag: 2.4.1")
}

func TestPlanOutApplyAndStatus(t *testing.T) {
	repo := copyExample(t)
	planFile := filepath.Join(t.TempDir(), "plan.json")
	code, stdout, stderr := runCLI(t, "plan", "--root", repo, "--from", "staging", "--to", "production", "-o", "markdown", "--out", planFile)
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, "## ✅ Promotion `staging` → `production`: **ready**")
	var plan struct {
		Kind    string `json:"kind"`
		Verdict struct {
			Status string `json:"status"`
		} `json:"verdict"`
	}
	raw, err := os.ReadFile(planFile)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(raw, &plan))
	assert.Equal(t, "Plan", plan.Kind)
	assert.Equal(t, "ready", plan.Verdict.Status)

	code, stdout, stderr = runCLI(t, "apply", "--root", repo, planFile)
	require.Equal(t, exitOK, code, stderr)
	assert.Equal(t, "wrote overlays/production/kustomization.yaml\n", stdout)
	code, stdout, _ = runCLI(t, "apply", "--root", repo, planFile)
	require.Equal(t, exitOK, code)
	assert.Equal(t, "already up to date: overlays/production/kustomization.yaml\n", stdout)

	code, stdout, _ = runCLI(t, "status", "--root", repo)
	require.Equal(t, exitOK, code)
	assert.Regexp(t, `ghcr.io/acme-shop/storefront\s+2.5.0-rc.1\s+2.4.1 \*\s+2.4.1\n`, stdout)

	code, _, _ = runCLI(t, "plan", "--root", repo, "--from", "staging", "--to", "production")
	assert.Equal(t, exitOK, code, "noop")
}

func TestPlanBlockedAndErrors(t *testing.T) {
	example := atRoot(t, example)
	code, stdout, stderr := runCLI(t, "plan", "--root", example, "--from", "production", "--to", "staging")
	assert.Equal(t, exitFindings, code)
	assert.Contains(t, stdout, "BLOCKED")
	assert.Contains(t, stderr, "[no-downgrade]")

	code, _, stderr = runCLI(t, "plan", "--root", example, "--from", "production", "--to", "staging", "--rollback")
	assert.Equal(t, exitOK, code, stderr)

	code, _, stderr = runCLI(t, "plan", "--root", example, "--from", "qa", "--to", "staging")
	assert.Equal(t, exitError, code)
	assert.Contains(t, stderr, `no environment "qa"`)

	// The source defaults to the target's from: in ferry.yaml.
	code, stdout, stderr = runCLI(t, "plan", "--root", example, "--to", "production")
	assert.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, "Promotion staging (overlays/staging) -> production (overlays/production)")
	code, _, stderr = runCLI(t, "plan", "--root", example, "--to", "dev")
	assert.Equal(t, exitError, code)
	assert.Contains(t, stderr, "no source environment: give one (--from), or set from: for dev in ferry.yaml")

	// A flag of one value given twice is an error, not the last one wins.
	code, _, stderr = runCLI(t, "plan", "--root", example, "--from", "staging", "--from", "dev", "--to", "production")
	assert.Equal(t, exitError, code)
	assert.Contains(t, stderr, "--from given twice; give it once")

	bad := filepath.Join(t.TempDir(), "plan.json")
	require.NoError(t, os.WriteFile(bad, []byte(`{"apiVersion": "v1", "kind": "ConfigMap"}`), 0o644))
	code, _, stderr = runCLI(t, "apply", "--root", example, bad)
	assert.Equal(t, exitError, code)
	assert.True(t, strings.Contains(stderr, "want apiVersion ferry.dev/v1alpha1 and kind Plan"), stderr)
}

// TestPlanBaselineAndSelection: production already has a :latest image in
// a workload staging does not run; the plan is ready with it existing, and
// blocked with --block-on existing. A pattern that matches nothing is an
// error naming the artifacts.
func TestPlanBaselineAndSelection(t *testing.T) {
	repo := atRoot(t, filepath.Join("..", "..", "promote", "testdata", "workloads"))
	code, stdout, stderr := runCLI(t, "plan", "--root", repo, "--from", "staging", "--to", "production")
	assert.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, ": READY")
	assert.Contains(t, stdout, "existing: overlays/production/legacy.yaml:19: error [no-latest-tag]")
	assert.Contains(t, stdout, "image docker.io/library/busybox at latest in apps/Deployment/production/legacy")
	assert.Contains(t, stdout, "+          image: docker.io/library/busybox:1.36.1")

	code, stdout, _ = runCLI(t, "plan", "--root", repo, "--from", "staging", "--to", "production", "--block-on", "existing")
	assert.Equal(t, exitFindings, code)
	assert.Contains(t, stdout, ": BLOCKED")

	code, stdout, stderr = runCLI(t, "plan", "--root", repo, "--from", "staging", "--to", "production", "-o", "sarif")
	assert.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, `"baselineState": "unchanged"`)

	code, _, stderr = runCLI(t, "plan", "--root", repo, "--from", "staging", "--to", "production", "--only", "nginx")
	assert.Equal(t, exitError, code)
	assert.Contains(t, stderr, `only pattern "nginx" matches no artifact; the artifacts are: docker.io/library/busybox`)

	code, _, stderr = runCLI(t, "plan", "--root", repo, "--from", "staging", "--to", "production", "--block-on", "fixed")
	assert.Equal(t, exitError, code)
	assert.Contains(t, stderr, "fixed findings never block")
}

// TestPlanSeveralTargets: --to given several times makes one plan per
// target, each from the target's own from: or --from, in one document (a
// PlanList in JSON) that ferry apply applies plan by plan; any blocked plan
// exits 1; plans that edit one file are refused with --out or --apply.
func TestPlanSeveralTargets(t *testing.T) {
	repo := copyExample(t)
	code, stdout, stderr := runCLI(t, "plan", "--root", repo, "--to", "staging", "--to", "production")
	assert.Equal(t, exitFindings, code, "staging's plan is blocked: %s", stderr)
	assert.Contains(t, stdout, "Promotion dev (overlays/dev) -> staging (overlays/staging): BLOCKED")
	assert.Contains(t, stdout, "Promotion staging (overlays/staging) -> production (overlays/production): READY")

	code, _, stderr = runCLI(t, "plan", "--root", repo, "--from", "staging", "--to", "")
	assert.Equal(t, exitError, code, "an empty target (an unset $TARGET in CI) plans nothing, and says so")
	assert.Contains(t, stderr, "--to: give the target environment")

	code, stdout, stderr = runCLI(t, "plan", "--root", repo, "--from", "staging", "--to", "production", "--to", "clusters/production", "--out", filepath.Join(t.TempDir(), "plans.json"))
	assert.Equal(t, exitError, code, stdout)
	assert.Contains(t, stderr, "the plans for overlays/production and clusters/production both edit overlays/production/kustomization.yaml")

	planFile := filepath.Join(t.TempDir(), "plans.json")
	code, stdout, stderr = runCLI(t, "plan", "--root", repo, "--from", "staging", "--to", "production,dev", "--rollback", "-o", "json", "--out", planFile)
	require.Equal(t, exitOK, code, stderr)
	var list struct {
		Kind  string `json:"kind"`
		Items []struct {
			Target struct {
				Name string `json:"name"`
			} `json:"target"`
		} `json:"items"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &list))
	assert.Equal(t, "PlanList", list.Kind)
	require.Len(t, list.Items, 2)
	assert.Equal(t, "production", list.Items[0].Target.Name)
	assert.Equal(t, "dev", list.Items[1].Target.Name)
	written, err := os.ReadFile(planFile)
	require.NoError(t, err)
	assert.JSONEq(t, stdout, string(written))

	code, stdout, stderr = runCLI(t, "apply", "--root", repo, planFile)
	require.Equal(t, exitOK, code, stderr)
	assert.Equal(t, "wrote overlays/production/kustomization.yaml\nwrote overlays/dev/kustomization.yaml\n", stdout)
	code, _, stderr = runCLI(t, "plan", "--root", repo, "--from", "staging", "--to", "production", "--to", "dev")
	assert.Equal(t, exitOK, code, "both now run staging's versions: %s", stderr)

	// A list whose plans edit one file is refused whole.
	bad := filepath.Join(t.TempDir(), "bad.json")
	var raw map[string]any
	require.NoError(t, json.Unmarshal(written, &raw))
	items := raw["items"].([]any)
	raw["items"] = []any{items[0], items[0]}
	data, err := json.Marshal(raw)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(bad, data, 0o644))
	code, _, stderr = runCLI(t, "apply", "--root", repo, bad)
	assert.Equal(t, exitError, code)
	assert.Contains(t, stderr, "cannot be applied together")
}
