package yamledit_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/ferrygitops/ferry/internal/yamledit"
)

// bigKustomization returns a kustomization with n images entries.
func bigKustomization(n int) []byte {
	var b strings.Builder
	b.WriteString("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nimages:\n")
	for i := range n {
		fmt.Fprintf(&b, "  # image %d\n  - name: ghcr.io/acme/app-%d\n    newTag: 1.%d.0 # tag\n", i, i, i)
	}
	return []byte(b.String())
}

func BenchmarkSetScalars(b *testing.B) {
	data := bigKustomization(2000)
	changes := make([]yamledit.Change, 0, 20)
	for i := 0; i < 2000; i += 100 {
		changes = append(changes, yamledit.Change{Path: path(0, "images", strconv.Itoa(i), "newTag"), Value: "2.0.0"})
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, _, err := yamledit.SetScalars(data, changes); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAppendListItem(b *testing.B) {
	data := bigKustomization(2000)
	item := []yamledit.KV{{Key: "name", Value: "ghcr.io/acme/new"}, {Key: "newTag", Value: "1.0.0"}}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, _, err := yamledit.AppendListItem(data, path(0, "images"), item); err != nil {
			b.Fatal(err)
		}
	}
}
