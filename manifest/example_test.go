package manifest_test

import (
	"fmt"
	"os"

	"github.com/ferrygitops/ferry/manifest"
)

func ExampleDecode() {
	objs, err := manifest.Decode("apps/base/api.yaml", []byte(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: shop
---
apiVersion: v1
kind: Service
metadata:
  name: api
  namespace: shop
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, o := range objs {
		fmt.Println(o.ID(), "at", o.Origin())
	}
	// Output:
	// apps/Deployment/shop/api at apps/base/api.yaml:1
	// Service/shop/api at apps/base/api.yaml:7
}

func ExampleEncodeYAML() {
	objs, _ := manifest.Decode("cm.yaml", []byte("kind: ConfigMap\napiVersion: v1\nmetadata: {name: cfg}\ndata: {port: \"8080\"}\n"))
	// Keys come out sorted, as `kustomize build` prints them.
	_ = manifest.EncodeYAML(os.Stdout, objs)
	// Output:
	// apiVersion: v1
	// data:
	//   port: "8080"
	// kind: ConfigMap
	// metadata:
	//   name: cfg
}
