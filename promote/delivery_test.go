package promote_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferrygitops/ferry/internal/testrepo"
	"github.com/ferrygitops/ferry/promote"
)

// A repository with a Deployment web (canaried by Flagger in staging) and
// an Argo Rollout api, staging ahead of production, which requires
// progressive delivery.
var progressiveRepo = map[string]string{
	"ferry.yaml": `apiVersion: ferry.dev/v1alpha1
kind: Config
environments:
  - name: staging
    path: overlays/staging
  - name: production
    path: overlays/production
    from: staging
    progressiveDelivery: required
`,
	"base/kustomization.yaml": "resources: [web.yaml, api.yaml]\n",
	"base/web.yaml": `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: ghcr.io/acme/web:1.0.0
`,
	"base/api.yaml": `apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata:
  name: api
spec:
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
        - name: api
          image: ghcr.io/acme/api:2.0.0
  strategy:
    canary:
      steps:
        - setWeight: 20
        - pause: {duration: 5m}
        - analysis:
            templates:
              - templateName: success-rate
        - setWeight: 50
        - pause: {}
`,
	"overlays/staging/kustomization.yaml": `namespace: staging
resources: [../../base, canary.yaml]
images:
  - name: ghcr.io/acme/web
    newTag: 1.1.0
  - name: ghcr.io/acme/api
    newTag: 2.1.0
`,
	"overlays/staging/canary.yaml": canaryYAML,
	"overlays/production/kustomization.yaml": `namespace: production
resources: [../../base]
images:
  - name: ghcr.io/acme/web
    newTag: 1.0.0
  - name: ghcr.io/acme/api
    newTag: 2.0.0
`,
}

const canaryYAML = `apiVersion: flagger.app/v1beta1
kind: Canary
metadata:
  name: web
spec:
  targetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: web
  service:
    port: 80
  analysis:
    interval: 1m
    threshold: 5
    maxWeight: 50
    stepWeight: 10
    metrics:
      - name: request-success-rate
        thresholdRange: {min: 99}
        interval: 1m
      - name: latency
        templateRef: {name: latency, namespace: flagger-system}
        thresholdRange: {max: 500}
        interval: 1m
`

// writeFiles writes files (slash paths -> content) under root.
func writeFiles(t *testing.T, root string, files map[string]string) {
	t.Helper()
	require.NoError(t, testrepo.WriteFiles(root, files))
}

func TestProgressiveDelivery(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, progressiveRepo)
	planner, err := promote.NewPlanner(promote.Options{Root: root, Now: func() time.Time { return ordinaryDay }})
	require.NoError(t, err)
	ctx := context.Background()

	// Staging canaries web; production, which requires it, does not.
	plan, err := planner.Plan(ctx, promote.Request{From: "staging", To: "production"})
	require.NoError(t, err)
	require.Equal(t, promote.StatusBlocked, plan.Verdict.Status)
	require.Len(t, plan.Verdict.Reasons, 1, plan.Verdict.Reasons)
	assert.Contains(t, plan.Verdict.Reasons[0], "[progressive-delivery] production requires progressive delivery: staging rolls apps/Deployment/production/web out through flagger.app/Canary/staging/web, but production has no Canary or Rollout for it")

	// The Rollout shows its strategy on the api change.
	api := changeOf(t, plan, "ghcr.io/acme/api")
	require.Len(t, api.Deliveries, 1)
	d := api.Deliveries[0]
	assert.Equal(t, "canary", d.Strategy)
	assert.Equal(t, []string{"setWeight 20", "pause 5m", "analysis", "setWeight 50", "pause until promoted"}, d.Steps)
	assert.True(t, d.Analysis)
	assert.Equal(t, []string{"success-rate"}, d.Metrics)
	assert.Equal(t, "Rollout", d.By.Kind)

	// With a canary in production, the promotion is ready and says how web
	// rolls out.
	writeFiles(t, root, map[string]string{
		"overlays/production/canary.yaml": canaryYAML,
		"overlays/production/kustomization.yaml": strings.Replace(progressiveRepo["overlays/production/kustomization.yaml"],
			"resources: [../../base]", "resources: [../../base, canary.yaml]", 1),
	})
	plan, err = planner.Plan(ctx, promote.Request{From: "staging", To: "production"})
	require.NoError(t, err)
	require.Equal(t, promote.StatusReady, plan.Verdict.Status, plan.Verdict.Reasons)
	web := changeOf(t, plan, "ghcr.io/acme/web")
	require.Len(t, web.Deliveries, 1)
	assert.Equal(t, promote.Delivery{
		Workload: web.Target[0].Object,
		By:       web.Deliveries[0].By,
		Strategy: "canary",
		Steps:    []string{"step 10% up to 50%", "every 1m", "rollback after 5 failed checks"},
		Analysis: true,
		Metrics:  []string{"request-success-rate", "latency (template latency)"},
	}, web.Deliveries[0])
	assert.Equal(t, "Canary", web.Deliveries[0].By.Kind)

	// A canary without analysis is not enough.
	writeFiles(t, root, map[string]string{"overlays/production/canary.yaml": strings.Split(canaryYAML, "    metrics:")[0]})
	plan, err = planner.Plan(ctx, promote.Request{From: "staging", To: "production"})
	require.NoError(t, err)
	require.Equal(t, promote.StatusBlocked, plan.Verdict.Status)
	assert.Contains(t, strings.Join(plan.Verdict.Reasons, "\n"), "rolls apps/Deployment/production/web out without analysis")
}

func TestProgressiveDeliveryConfig(t *testing.T) {
	_, err := promote.ParseConfig("ferry.yaml", []byte("apiVersion: ferry.dev/v1alpha1\nkind: Config\nenvironments:\n  - name: prod\n    path: prod\n    progressiveDelivery: always\n"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "ferry.yaml:6")
	assert.Contains(t, err.Error(), `progressiveDelivery "always"`)
}

func changeOf(t *testing.T, p *promote.Plan, artifact string) promote.Change {
	t.Helper()
	for _, c := range p.Changes {
		if c.Artifact == artifact {
			return c
		}
	}
	t.Fatalf("no change of %s", artifact)
	return promote.Change{}
}

// A chart change says how its HelmRelease tests and remediates.
func TestHelmReleaseDelivery(t *testing.T) {
	release := func(version, extra string) string {
		return `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: podinfo
  namespace: apps
spec:
  interval: 10m
  chart:
    spec:
      chart: podinfo
      version: "` + version + `"
      sourceRef:
        kind: HelmRepository
        name: podinfo
` + extra
	}
	repo := `apiVersion: source.toolkit.fluxcd.io/v1
kind: HelmRepository
metadata:
  name: podinfo
  namespace: apps
spec:
  interval: 1h
  url: https://stefanprodan.github.io/podinfo
`
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		"ferry.yaml":                    "apiVersion: ferry.dev/v1alpha1\nkind: Config\nenvironments:\n  - {name: staging, path: staging}\n  - {name: production, path: production, from: staging}\n",
		"staging/kustomization.yaml":    "resources: [release.yaml, repo.yaml]\n",
		"staging/release.yaml":          release("6.5.0", ""),
		"staging/repo.yaml":             repo,
		"production/kustomization.yaml": "resources: [release.yaml, repo.yaml]\n",
		"production/release.yaml": release("6.4.0", `  test:
    enable: true
  upgrade:
    remediation:
      retries: 3
      strategy: rollback
`),
		"production/repo.yaml": repo,
	})
	planner, err := promote.NewPlanner(promote.Options{Root: root, Now: func() time.Time { return ordinaryDay }})
	require.NoError(t, err)
	plan, err := planner.Plan(context.Background(), promote.Request{From: "staging", To: "production"})
	require.NoError(t, err)
	require.Equal(t, promote.StatusReady, plan.Verdict.Status, plan.Verdict.Reasons)
	var chart promote.Change
	for _, c := range plan.Changes {
		if c.Kind == promote.KindChart {
			chart = c
		}
	}
	require.Len(t, chart.Deliveries, 1, plan.Changes)
	assert.Equal(t, "helm", chart.Deliveries[0].Strategy)
	assert.True(t, chart.Deliveries[0].Analysis)
	assert.Equal(t, []string{"helm test after install and upgrade", "upgrade remediation: 3 retries, then rollback"}, chart.Deliveries[0].Steps)
}

func TestImagePoliciesConfig(t *testing.T) {
	_, err := promote.ParseConfig("ferry.yaml", []byte("apiVersion: ferry.dev/v1alpha1\nkind: Config\nenvironments:\n  - name: dev\n    path: dev\n    imagePolicies:\n      - image: ghcr.io/acme/web\n        policy: {}\n"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "ferry.yaml:7")
	assert.Contains(t, err.Error(), "imagePolicies[0]: give the image and one policy")
}

// A canary of one namespace says nothing of a workload of the same name in
// another; and a canary that skips its analysis has none.
func TestProgressiveDeliveryNamespacesAndSkipAnalysis(t *testing.T) {
	deployment := func(ns, tag string) string {
		return strings.NewReplacer("NS", ns, "TAG", tag).Replace(`apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: NS}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: ghcr.io/acme/web:TAG
`)
	}
	canary := func(ns string) string {
		return strings.Replace(canaryYAML, "  name: web\n", "  name: web\n  namespace: "+ns+"\n", 1)
	}
	files := map[string]string{
		"ferry.yaml":                    "apiVersion: ferry.dev/v1alpha1\nkind: Config\nenvironments:\n  - {name: staging, path: staging}\n  - {name: production, path: production, from: staging, progressiveDelivery: required}\n",
		"staging/kustomization.yaml":    "resources: [a.yaml, b.yaml, canary-a.yaml, canary-b.yaml]\n",
		"staging/a.yaml":                deployment("team-a", "1.1.0"),
		"staging/b.yaml":                deployment("team-b", "1.1.0"),
		"staging/canary-a.yaml":         canary("team-a"),
		"staging/canary-b.yaml":         canary("team-b"),
		"production/kustomization.yaml": "resources: [a.yaml, b.yaml, canary-a.yaml]\n",
		"production/a.yaml":             deployment("team-a", "1.0.0"),
		"production/b.yaml":             deployment("team-b", "1.0.0"),
		"production/canary-a.yaml":      canary("team-a"),
	}
	root := t.TempDir()
	writeFiles(t, root, files)
	planner, err := promote.NewPlanner(promote.Options{Root: root, Now: func() time.Time { return ordinaryDay }})
	require.NoError(t, err)
	plan, err := planner.Plan(context.Background(), promote.Request{From: "staging", To: "production"})
	require.NoError(t, err)
	require.Equal(t, promote.StatusBlocked, plan.Verdict.Status, "team-b's web has no canary in production")
	assert.Contains(t, strings.Join(plan.Verdict.Reasons, "\n"), "apps/Deployment/team-b/web")
	assert.NotContains(t, strings.Join(plan.Verdict.Reasons, "\n"), "apps/Deployment/team-a/web")

	// Both canaried, but one skips its analysis.
	writeFiles(t, root, map[string]string{
		"production/kustomization.yaml": "resources: [a.yaml, b.yaml, canary-a.yaml, canary-b.yaml]\n",
		"production/canary-b.yaml":      strings.Replace(canary("team-b"), "spec:\n", "spec:\n  skipAnalysis: true\n", 1),
	})
	plan, err = planner.Plan(context.Background(), promote.Request{From: "staging", To: "production"})
	require.NoError(t, err)
	require.Equal(t, promote.StatusBlocked, plan.Verdict.Status)
	assert.Contains(t, strings.Join(plan.Verdict.Reasons, "\n"), "rolls apps/Deployment/team-b/web out without analysis")
	assert.NotContains(t, strings.Join(plan.Verdict.Reasons, "\n"), "team-a")
}
