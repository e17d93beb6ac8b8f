package testrepo

import (
	"fmt"
	"strings"
)

// FleetEnvs are the environments of a fleet repository, in promotion order.
var FleetEnvs = []string{"dev", "staging", "production"}

// Fleet returns a repository shaped like the fleets public GitOps
// repositories describe, with apps applications, as a map from
// slash-separated path to content. Each application has:
//
//   - apps/<app>/base: a Deployment, Service, ConfigMap,
//     HorizontalPodAutoscaler, PodDisruptionBudget and Ingress, with labels
//     (the non-deprecated form) and a configMapGenerator whose hashed name
//     the Deployment references; every third app a secretGenerator too,
//     every fourth the monitoring component, every sixth a Flux HelmRelease
//     with its image in spec.values (and its HelmRepository);
//   - apps/<app>/overlays/<env>: namespace, commonLabels, images, replicas,
//     two strategic-merge patch files and two inline JSON 6902 patches, a
//     name prefix every fifth app, and an Ingress host that Flux
//     substitutes (${cluster_domain}).
//
// envs/<env> aggregates every overlay of the environment and the
// namespaces; clusters/<env> holds a Flux Kustomization per app with
// postBuild.substitute. The images of dev, staging and production differ,
// so a plan between them changes every app.
func Fleet(apps int) map[string]string {
	files := map[string]string{
		"components/monitoring/kustomization.yaml": `apiVersion: kustomize.config.k8s.io/v1alpha1
kind: Component
patches:
- target:
    kind: Deployment
  patch: |-
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: any
    spec:
      template:
        metadata:
          annotations:
            prometheus.io/scrape: "true"
            prometheus.io/port: "9090"
`,
	}
	var cfg strings.Builder
	cfg.WriteString("apiVersion: ferry.dev/v1alpha1\nkind: Config\nenvironments:\n")
	for e, env := range FleetEnvs {
		fmt.Fprintf(&cfg, "  - name: %s\n    path: envs/%s\n", env, env)
		if e > 0 {
			fmt.Fprintf(&cfg, "    from: %s\n", FleetEnvs[e-1])
		}
	}
	files["ferry.yaml"] = cfg.String()
	for i := range apps {
		fleetApp(files, i)
	}
	for _, env := range FleetEnvs {
		var k strings.Builder
		k.WriteString("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- namespaces\n")
		var ns strings.Builder
		for i := range apps {
			fmt.Fprintf(&k, "- ../../apps/app-%04d/overlays/%s\n", i, env)
		}
		fmt.Fprintf(&ns, "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: %s\n", env)
		files["envs/"+env+"/kustomization.yaml"] = k.String()
		files["envs/"+env+"/namespaces/kustomization.yaml"] = "resources:\n- namespace.yaml\n"
		files["envs/"+env+"/namespaces/namespace.yaml"] = ns.String()
	}
	return files
}

// fleetApp adds application i of a fleet repository.
func fleetApp(files map[string]string, i int) {
	name := fmt.Sprintf("app-%04d", i)
	dir := "apps/" + name + "/"
	helm := i%6 == 5
	var res strings.Builder
	res.WriteString("- deployment.yaml\n- service.yaml\n- configmap.yaml\n- hpa.yaml\n- pdb.yaml\n- ingress.yaml\n")
	if helm {
		res.WriteString("- helmrelease.yaml\n")
	}
	k := fmt.Sprintf(`apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
labels:
- pairs:
    app.kubernetes.io/name: %[1]s
    app.kubernetes.io/part-of: fleet
  includeSelectors: true
resources:
%[2]sconfigMapGenerator:
- name: %[1]s-env
  literals:
  - LOG_LEVEL=info
  - APP_INDEX=%[3]d
`, name, res.String(), i)
	secretEnv := ""
	if i%3 == 0 {
		k += fmt.Sprintf("secretGenerator:\n- name: %s-credentials\n  literals:\n  - token=t%d\n", name, i)
		secretEnv = fmt.Sprintf("        - secretRef:\n            name: %s-credentials\n", name)
	}
	if i%4 == 0 {
		k += "components:\n- ../../../components/monitoring\n"
	}
	files[dir+"base/kustomization.yaml"] = k
	files[dir+"base/deployment.yaml"] = fmt.Sprintf(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: %[1]s
spec:
  replicas: 1
  template:
    spec:
      containers:
      - name: app
        image: ghcr.io/acme/%[1]s:1.0.0
        ports:
        - name: http
          containerPort: 8080
        envFrom:
        - configMapRef:
            name: %[1]s-env
%[2]s        volumeMounts:
        - name: config
          mountPath: /etc/app
        resources:
          requests:
            cpu: 100m
            memory: 128Mi
          limits:
            memory: 256Mi
      - name: proxy
        image: docker.io/library/nginx:1.27.0
        ports:
        - name: proxy
          containerPort: 8081
      volumes:
      - name: config
        configMap:
          name: %[1]s-files
`, name, secretEnv)
	files[dir+"base/service.yaml"] = fmt.Sprintf(`apiVersion: v1
kind: Service
metadata:
  name: %[1]s
spec:
  ports:
  - name: http
    port: 80
    targetPort: http
`, name)
	files[dir+"base/configmap.yaml"] = fmt.Sprintf(`apiVersion: v1
kind: ConfigMap
metadata:
  name: %[1]s-files
data:
  app.yaml: |
    server:
      port: 8080
    feature:
      index: %[2]d
`, name, i)
	files[dir+"base/hpa.yaml"] = fmt.Sprintf(`apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: %[1]s
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: %[1]s
  minReplicas: 1
  maxReplicas: 5
  metrics:
  - type: Resource
    resource:
      name: cpu
      target:
        type: Utilization
        averageUtilization: 80
`, name)
	files[dir+"base/pdb.yaml"] = fmt.Sprintf(`apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: %[1]s
spec:
  minAvailable: 1
`, name)
	files[dir+"base/ingress.yaml"] = ingress(name, "", name+".example.com")
	if helm {
		files[dir+"base/helmrelease.yaml"] = fmt.Sprintf(`apiVersion: source.toolkit.fluxcd.io/v1
kind: HelmRepository
metadata:
  name: %[1]s-charts
spec:
  interval: 1h
  url: https://charts.example.com/%[1]s
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: %[1]s-worker
spec:
  interval: 10m
  chart:
    spec:
      chart: worker
      version: 2.0.0
      sourceRef:
        kind: HelmRepository
        name: %[1]s-charts
  values:
    image:
      repository: ghcr.io/acme/%[1]s-worker
      tag: 2.0.0
`, name)
	}
	for e, env := range FleetEnvs {
		tag := fmt.Sprintf("1.%d.%d", len(FleetEnvs)-e, i%7)
		odir := dir + "overlays/" + env + "/"
		prefix := ""
		if i%5 == 4 {
			prefix = "namePrefix: " + env + "-\n"
		}
		o := fmt.Sprintf(`apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: %[1]s
%[5]scommonLabels:
  environment: %[1]s
resources:
- ../../base
images:
- name: ghcr.io/acme/%[2]s
  newTag: %[3]s
replicas:
- name: %[2]s
  count: %[4]d
patches:
- path: resources.yaml
- path: ingress.yaml
- target:
    kind: HorizontalPodAutoscaler
    name: %[2]s
  patch: |-
    - op: replace
      path: /spec/maxReplicas
      value: %[6]d
- target:
    kind: PodDisruptionBudget
  patch: |-
    - op: replace
      path: /spec/minAvailable
      value: %[4]d
`, env, name, tag, e+1, prefix, 5*(e+1))
		if helm {
			o += fmt.Sprintf(`- target:
    kind: HelmRelease
  patch: |-
    - op: replace
      path: /spec/values/image/tag
      value: 2.%[1]d.0
`, len(FleetEnvs)-e)
		}
		files[odir+"kustomization.yaml"] = o
		files[odir+"resources.yaml"] = fmt.Sprintf(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: %[1]s
spec:
  template:
    spec:
      containers:
      - name: app
        resources:
          limits:
            memory: %[2]dMi
`, name, 256*(e+1))
		files[odir+"ingress.yaml"] = ingress(name, "  annotations:\n    cert-manager.io/cluster-issuer: letsencrypt\n", name+".${cluster_domain}")
		files["clusters/"+env+"/"+name+".yaml"] = fmt.Sprintf(`apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: %[2]s
  namespace: flux-system
spec:
  interval: 10m
  path: ./apps/%[2]s/overlays/%[1]s
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
  postBuild:
    substitute:
      cluster_domain: %[1]s.example.com
`, env, name)
	}
}

// ingress is the Ingress of an app: its metadata lines after the name
// (indented), and the host it serves.
func ingress(name, meta, host string) string {
	return fmt.Sprintf(`apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: %[1]s
%[2]sspec:
  rules:
  - host: %[3]s
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service:
            name: %[1]s
            port:
              name: http
`, name, meta, host)
}

// WriteFleet writes the fleet repository with apps applications under dir.
func WriteFleet(dir string, apps int) error {
	return WriteFiles(dir, Fleet(apps))
}
