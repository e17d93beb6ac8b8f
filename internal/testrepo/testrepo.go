// Package testrepo generates GitOps repositories of any size for tests and
// benchmarks, in the usual Flux layout: apps/base/<app> holds each app,
// apps/<env>/<app> overlays it per environment, and apps/<env> aggregates
// every app overlay of the environment. Nothing is committed: repositories are
// made in memory or in a temporary directory, deterministically.
package testrepo

import (
	"fmt"
	"os"
	"path/filepath"
	"testing/fstest"
)

// Envs are the environments of a generated repository, in promotion order.
var Envs = []string{"dev", "staging", "production"}

// Files returns the repository with apps applications as a map from
// slash-separated path to content.
func Files(apps int) map[string]string {
	files := map[string]string{
		"ferry.yaml": `apiVersion: ferry.dev/v1alpha1
kind: Config
environments:
  - name: dev
    path: apps/dev
  - name: staging
    path: apps/staging
    from: dev
  - name: production
    path: apps/production
    from: staging
`,
	}
	for i := range apps {
		name := fmt.Sprintf("app-%04d", i)
		base := "apps/base/" + name + "/"
		files[base+"kustomization.yaml"] = fmt.Sprintf(`apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
labels:
- pairs:
    app.kubernetes.io/name: %[1]s
  includeSelectors: true
resources:
- deployment.yaml
- service.yaml
configMapGenerator:
- name: %[1]s-config
  literals:
  - LOG_LEVEL=info
  - APP_INDEX=%[2]d
`, name, i)
		files[base+"deployment.yaml"] = fmt.Sprintf(`apiVersion: apps/v1
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
            name: %[1]s-config
        resources:
          limits:
            memory: 256Mi
`, name)
		files[base+"service.yaml"] = fmt.Sprintf(`apiVersion: v1
kind: Service
metadata:
  name: %[1]s
spec:
  ports:
  - name: http
    port: 80
    targetPort: http
`, name)
		for e, env := range Envs {
			files["apps/"+env+"/"+name+"/kustomization.yaml"] = fmt.Sprintf(`apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: %[1]s
resources:
- ../../base/%[2]s
images:
- name: ghcr.io/acme/%[2]s
  newTag: 1.%[3]d.%[4]d
replicas:
- name: %[2]s
  count: %[5]d
`, env, name, len(Envs)-e, i%7, e+1)
		}
	}
	for _, env := range Envs {
		k := "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n"
		for i := range apps {
			k += fmt.Sprintf("- app-%04d\n", i)
		}
		files["apps/"+env+"/kustomization.yaml"] = k
	}
	return files
}

// MapFS returns the repository with apps applications in memory.
func MapFS(apps int) fstest.MapFS {
	fsys := fstest.MapFS{}
	for p, c := range Files(apps) {
		fsys[p] = &fstest.MapFile{Data: []byte(c)}
	}
	return fsys
}

// Write writes the repository with apps applications under dir.
func Write(dir string, apps int) error {
	return WriteFiles(dir, Files(apps))
}

// WriteFiles writes files (slash-separated path to content) under dir,
// making the folders they need.
func WriteFiles(dir string, files map[string]string) error {
	for p, c := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(full, []byte(c), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// Manifests returns n workload objects as one multi-document YAML stream:
// Deployments, each with an init container and a main container, a mix of
// registries and tags (some latest, some prerelease) so that checks find
// something.
func Manifests(n int) []byte {
	var b []byte
	for i := range n {
		tag := fmt.Sprintf("1.%d.%d", i%13, i%7)
		switch i % 10 {
		case 3:
			tag = "latest"
		case 7:
			tag = tag + "-rc.1"
		}
		b = fmt.Appendf(b, `---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-%[1]d
  namespace: team-%[2]d
  labels:
    app.kubernetes.io/name: app-%[1]d
spec:
  replicas: 2
  selector:
    matchLabels:
      app.kubernetes.io/name: app-%[1]d
  template:
    metadata:
      labels:
        app.kubernetes.io/name: app-%[1]d
    spec:
      initContainers:
      - name: migrate
        image: ghcr.io/acme/app-%[1]d-migrations:%[3]s
      containers:
      - name: app
        image: ghcr.io/acme/app-%[1]d:%[3]s
        resources:
          limits:
            memory: 256Mi
`, i, i%20, tag)
	}
	return b
}
