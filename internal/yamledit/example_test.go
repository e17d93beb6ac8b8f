package yamledit_test

import (
	"fmt"

	"github.com/ferrygitops/ferry/internal/yamledit"
)

const overlay = `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - ../../base
images:
  # promoted from staging
  - name: ghcr.io/stefanprodan/podinfo
    newTag: 6.5.0 # {"$imagepolicy": "flux-system:podinfo:tag"}
`

func ExampleSetScalar() {
	out, edit, err := yamledit.SetScalar([]byte(overlay), yamledit.Path{Keys: []string{"images", "0", "newTag"}}, "6.6.0")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("line %d: %s → %s\n", edit.Line, edit.Old, edit.New)
	fmt.Print(string(out))
	// Output:
	// line 8: 6.5.0 → 6.6.0
	// apiVersion: kustomize.config.k8s.io/v1beta1
	// kind: Kustomization
	// resources:
	//   - ../../base
	// images:
	//   # promoted from staging
	//   - name: ghcr.io/stefanprodan/podinfo
	//     newTag: 6.6.0 # {"$imagepolicy": "flux-system:podinfo:tag"}
}

func ExampleSetScalar_quoting() {
	// 1.10 would read back as the float 1.1, so it is quoted.
	out, _, _ := yamledit.SetScalar([]byte("version: 1.9 # chart\n"), yamledit.Path{Keys: []string{"version"}}, "1.10")
	fmt.Print(string(out))
	// Output:
	// version: "1.10" # chart
}

func ExampleAppendListItem() {
	out, line, err := yamledit.AppendListItem([]byte(overlay), yamledit.Path{Keys: []string{"images"}},
		[]yamledit.KV{{Key: "name", Value: "redis"}, {Key: "newTag", Value: "7.2"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("new item at line", line)
	fmt.Print(string(out))
	// Output:
	// new item at line 9
	// apiVersion: kustomize.config.k8s.io/v1beta1
	// kind: Kustomization
	// resources:
	//   - ../../base
	// images:
	//   # promoted from staging
	//   - name: ghcr.io/stefanprodan/podinfo
	//     newTag: 6.5.0 # {"$imagepolicy": "flux-system:podinfo:tag"}
	//   - name: redis
	//     newTag: "7.2"
}

func ExampleSetters() {
	setters, err := yamledit.Setters([]byte(overlay))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range setters {
		fmt.Printf("%s line %d: %s (policy %s, field %s)\n", s.Path, s.Line, s.Value, s.Policy, s.Field)
	}
	// Output:
	// /images/0/newTag line 8: 6.5.0 (policy flux-system:podinfo, field tag)
}

func ExampleFind() {
	value, line, err := yamledit.Find([]byte(overlay), yamledit.Path{Keys: []string{"images", "1", "newTag"}})
	fmt.Printf("%q %d\n", value, line)
	fmt.Println(err)
	// Output:
	// "" 0
	// find /images/1/newTag: index 1 out of range: the sequence at line 7 has 1 items
}
