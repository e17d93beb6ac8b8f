package ferry_test

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const module = "github.com/ferrygitops/ferry"

// allowed lists, for each package, the ferry packages its non-test code may
// import (the package boundaries of the design). A package missing from the
// table may import nothing of ferry's but internal helpers.
var allowed = map[string][]string{
	"manifest":                {"internal/yamlerr", "internal/yamlnode"},
	"finding":                 {"manifest"},
	"render":                  {"manifest", "finding", "internal/memofs", "internal/yamlerr", "internal/yamlnode"},
	"validate":                {"manifest", "finding", "internal/fieldline", "internal/yamlnode"},
	"policy":                  {"manifest", "finding", "internal/fieldline"},
	"promote":                 {"manifest", "finding", "render", "validate", "policy", "internal/memofs", "internal/yamlerr", "internal/yamledit", "internal/yamlnode"},
	"report":                  {"manifest", "finding", "policy", "promote", "internal/buildinfo"},
	"imagepolicy":             {"manifest", "finding", "promote"},
	"pullrequest":             {"promote", "report"},
	"pullrequest/github":      {"pullrequest"},
	"pullrequest/azuredevops": {"pullrequest"},
	"cmd/ferry":               {"*"},
	"hack/genrepo":            {"internal/testrepo"},
	"internal/fieldline":      {"manifest", "finding", "internal/yamlnode"},
	// The toolchain schema generator reads CRDs as validate reads them.
	"internal/crdschemagen": {"manifest"},
}

// engines lists third-party engines whose types must stay inside one
// package: only that package may import them.
var engines = map[string]string{
	"sigs.k8s.io/kustomize":                    "render",
	"github.com/open-policy-agent/opa":         "policy",
	"github.com/yannh/kubeconform":             "validate",
	"github.com/santhosh-tekuri/jsonschema":    "validate",
	"github.com/google/go-containerregistry":   "imagepolicy",
	"github.com/go-git/go-git":                 "pullrequest",
	"github.com/google/go-github":              "pullrequest/github",
	"github.com/microsoft/azure-devops-go-api": "pullrequest/azuredevops",
}

func TestImportBoundaries(t *testing.T) {
	imports := map[string][]string{} // package dir -> imports of its non-test files
	err := filepath.WalkDir(".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata" || d.Name() == "examples") && p != "." {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), p, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		dir := filepath.ToSlash(filepath.Dir(p))
		for _, imp := range f.Imports {
			v, _ := strconv.Unquote(imp.Path.Value)
			imports[dir] = append(imports[dir], v)
		}
		return nil
	})
	require.NoError(t, err)
	require.Contains(t, imports, "render", "the walk found the packages")

	for dir, imps := range imports {
		for _, imp := range imps {
			if rel, ok := strings.CutPrefix(imp, module+"/"); ok {
				ok := strings.HasPrefix(rel, "internal/") && !slices.Contains(keys(allowed), dir)
				for _, a := range allowed[dir] {
					ok = ok || a == "*" || a == rel
				}
				assert.True(t, ok, "%s must not import %s (see the package table in the design)", dir, rel)
			}
			for prefix, owner := range engines {
				if strings.HasPrefix(imp, prefix) {
					assert.Equal(t, owner, dir, "%s imports %s, whose types belong to %s alone", dir, imp, owner)
				}
			}
		}
	}
	// render, validate and policy never import each other.
	for _, a := range []string{"render", "validate", "policy"} {
		for _, b := range []string{"render", "validate", "policy"} {
			if a != b {
				assert.NotContains(t, imports[a], path.Join(module, b))
			}
		}
	}
}

func keys(m map[string][]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
