package render_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"testing/fstest"

	"github.com/ferrygitops/ferry/render"
)

func ExampleRenderer_Render() {
	repo := fstest.MapFS{
		"apps/api/kustomization.yaml": {Data: []byte("resources:\n- deployment.yaml\n")},
		"apps/api/deployment.yaml": {Data: []byte(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  template:
    spec:
      containers:
      - name: api
        image: ghcr.io/acme/api:1.7.2
`)},
		"overlays/production/kustomization.yaml": {Data: []byte(`namespace: production
resources:
- ../../apps/api
images:
- name: ghcr.io/acme/api
  newTag: 1.8.0
`)},
	}
	r, err := render.New(render.Options{FS: repo})
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := r.Render(context.Background(), "overlays/production")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, obj := range res.Objects {
		fmt.Println(obj.ID(), "is defined at", obj.Origin())
	}
	_ = res.WriteYAML(os.Stdout)
	// Output:
	// apps/Deployment/production/api is defined at apps/api/deployment.yaml:1
	// apiVersion: apps/v1
	// kind: Deployment
	// metadata:
	//   name: api
	//   namespace: production
	// spec:
	//   template:
	//     spec:
	//       containers:
	//       - image: ghcr.io/acme/api:1.8.0
	//         name: api
}

func ExampleError() {
	repo := fstest.MapFS{
		"overlays/production/kustomization.yaml": {Data: []byte("resources:\n- github.com/acme/fleet//base?ref=v1.2.0\n")},
	}
	r, _ := render.New(render.Options{FS: repo})
	_, err := r.Render(context.Background(), "overlays/production")
	var rerr *render.Error
	if errors.As(err, &rerr) && errors.Is(err, render.ErrRemoteBase) {
		fmt.Printf("refused remote base at %s:%d\n", rerr.File, rerr.Line)
	}
	// Output:
	// refused remote base at overlays/production/kustomization.yaml:2
}
