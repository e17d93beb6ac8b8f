package policy_test

import (
	"context"
	"fmt"

	"github.com/ferrygitops/ferry/manifest"
	"github.com/ferrygitops/ferry/policy"
)

func ExampleEngine_Check() {
	engine, err := policy.Load(context.Background(), policy.Options{
		Params: policy.Params{AllowedRegistries: []string{"ghcr.io/acme"}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	objs, _ := manifest.Decode("apps/web/deployment.yaml", []byte(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
      - name: web
        image: ghcr.io/acme/web:1.4.0
      - name: proxy
        image: envoyproxy/envoy:latest
`))
	findings, err := engine.Check(context.Background(), objs)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range findings {
		fmt.Printf("%s %s %s\n", f.Rule, f.Field, f.Source)
	}
	// Output:
	// allowed-registries /spec/template/spec/containers/1/image apps/web/deployment.yaml:12
	// no-latest-tag /spec/template/spec/containers/1/image apps/web/deployment.yaml:12
}
