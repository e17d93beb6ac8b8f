package validate_test

import (
	"context"
	"fmt"

	"github.com/ferrygitops/ferry/manifest"
	"github.com/ferrygitops/ferry/validate"
)

func Example() {
	objs, err := manifest.Decode("apps/web.yaml", []byte(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: two
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:1.27
          imagePullPolcy: Always
---
apiVersion: policy/v1beta1
kind: PodDisruptionBudget
metadata:
  name: web
spec:
  minAvailable: 1
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	v, err := validate.New(validate.Options{KubernetesVersion: "1.33"})
	if err != nil {
		fmt.Println(err)
		return
	}
	findings, err := v.Validate(context.Background(), objs)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range findings {
		fmt.Println(f)
	}
	// Output:
	// apps/web.yaml:1: error [schema] apps/Deployment/web /spec/replicas: got string, want integer
	// apps/web.yaml:1: error [schema] apps/Deployment/web /spec/template/spec/containers/0/imagePullPolcy: unknown field "imagePullPolcy"
	// apps/web.yaml:18: error [removed-api] policy/PodDisruptionBudget/web /apiVersion: policy/v1beta1 PodDisruptionBudget is no longer served since Kubernetes 1.25: use policy/v1 (served since 1.21)
}

func ExampleLoadCRDs() {
	ctx := context.Background()
	crds, err := validate.LoadCRDs(ctx, "testdata/crds/flux")
	if err != nil {
		fmt.Println(err)
		return
	}
	v, err := validate.New(validate.Options{CRDs: crds})
	if err != nil {
		fmt.Println(err)
		return
	}
	objs, _ := manifest.Decode("clusters/prod/apps.yaml", []byte(`apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: apps
  namespace: flux-system
spec:
  interval: 10m
  path: ./apps/prod
  sourceRef:
    kind: GitRepository
    name: flux-system
`))
	findings, _ := v.Validate(ctx, objs)
	for _, f := range findings {
		fmt.Println(f)
	}
	// Output:
	// clusters/prod/apps.yaml:1: error [schema] kustomize.toolkit.fluxcd.io/Kustomization/flux-system/apps /spec: missing property 'prune'
}
