package validate

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/util/validation"
)

// TestDeprecationScheduleMatchesSpecs checks deprecations.yaml against the
// embedded specs: an apiVersion removed in 1.25 or later is served up to
// the release before and not from its removal on; one removed earlier is in
// no embedded spec; a replacement is served where the entry says.
func TestDeprecationScheduleMatchesSpecs(t *testing.T) {
	b, err := embeddedBundle()
	require.NoError(t, err)
	entries, err := parseDeprecations(deprecationsData)
	require.NoError(t, err)
	a, err := newAPIIndex(b, b.minors[len(b.minors)-1])
	require.NoError(t, err)
	oldest, _ := minorNumber(b.minors[0])
	newest, _ := minorNumber(b.minors[len(b.minors)-1])
	for _, e := range entries {
		for _, kind := range e.Kinds {
			key := e.APIVersion + "/" + kind
			r, served := a.served[key]
			switch removed, _ := minorNumber(e.RemovedIn); {
			case e.RemovedIn == "":
				assert.True(t, served && r.last == newest, "%s has no removal, so the newest spec serves it", key)
			case removed <= oldest:
				assert.False(t, served, "%s was removed in %s, before the oldest embedded version", key, e.RemovedIn)
			case removed <= newest:
				require.True(t, served, "%s is in no embedded spec", key)
				assert.Equal(t, removed-1, r.last, "%s: the specs say it was last served in 1.%d, the schedule says it was removed in %s", key, r.last, e.RemovedIn)
			}
			if e.Replacement == "" {
				continue
			}
			replacement := e.Replacement + "/" + kind
			if e.ReplacementKind != "" {
				replacement = e.Replacement + "/" + e.ReplacementKind
			}
			if since, _ := minorNumber(e.ReplacementSince); since >= oldest {
				r, ok := a.served[replacement]
				if assert.True(t, ok, "replacement %s of %s is in no embedded spec", replacement, key) {
					assert.Equal(t, since, r.first, "replacement %s of %s", replacement, key)
				}
			}
		}
	}
}

// TestBundleIntegrity checks that every kind of every embedded version has
// a schema whose references all resolve, and that the quantity pattern the
// messages recognise is the one the generator wrote.
func TestBundleIntegrity(t *testing.T) {
	b, err := embeddedBundle()
	require.NoError(t, err)
	used := map[string]bool{}
	var newest *versionSchemas
	for _, m := range b.minors {
		bv := b.Versions[m]
		require.NotEmpty(t, bv.Kinds, m)
		assert.True(t, strings.HasPrefix(bv.Source, "k8s.io/kubernetes@v"+m+"."), "%s comes from %s", m, bv.Source)
		vs, err := b.version(m)
		require.NoError(t, err)
		for key, def := range bv.Kinds {
			_, err := vs.standaloneKind(def, true)
			assert.NoError(t, err, "%s in %s", key, m)
		}
		for _, h := range vs.defs {
			used[h] = true
		}
		newest = vs
	}
	assert.Len(t, used, len(b.Blobs), "every stored schema is used")
	q, err := newest.definition("io.k8s.apimachinery.pkg.api.resource.Quantity.nullable", true, newest.url)
	require.NoError(t, err)
	assert.Equal(t, quantityPattern, q.(map[string]any)["pattern"])
}

func TestResolveVersion(t *testing.T) {
	b, err := embeddedBundle()
	require.NoError(t, err)
	tests := []struct {
		in, minor, full string
	}{
		{in: "", minor: "1.37", full: "1.37.0"},
		{in: "1.33", minor: "1.33", full: "1.33.0"},
		{in: "v1.33", minor: "1.33", full: "1.33.0"},
		{in: "1.33.2", minor: "1.33", full: "1.33.2"},
		{in: "v1.024.1", minor: "1.24", full: "1.24.1"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			minor, full, err := resolveVersion(b, tt.in)
			require.NoError(t, err)
			assert.Equal(t, tt.minor, minor)
			assert.Equal(t, tt.full, full)
		})
	}
}

func TestValidateDuration(t *testing.T) {
	for _, ok := range []string{"1h30m", "90s", "1.5h", "PT1H30M", "P1D", "P2W", "P1Y2M3DT4H5M6S", "1 hour"} {
		assert.NoError(t, validateDuration(ok), ok)
	}
	for _, bad := range []string{"P", "PT", "1x", "soon"} {
		assert.Error(t, validateDuration(bad), bad)
	}
	assert.NoError(t, validateDuration(3), "only strings are checked")
}

// TestMetaFastPaths checks that each fast path accepts only what the
// apimachinery function it stands for accepts.
func TestMetaFastPaths(t *testing.T) {
	inputs := []string{"", "a", "A", "-a", "a-", "a.b", "a..b", ".a", "a_b", "A_b.C-d", "app.kubernetes.io/name", "example.com/", "/a",
		"a/b/c", "EXAMPLE.com/a", "x" + strings.Repeat("y", 62), strings.Repeat("y", 64), strings.Repeat("a.", 126) + "a", strings.Repeat("a.", 127) + "a",
		"ä", "a b", "a\nb", "1web", "web1", "a/b", "kubernetes.io/-x"}
	check := func(name string, fast func(string) bool, slow func(string) []string) {
		for _, in := range inputs {
			if fast(in) {
				assert.Empty(t, slow(in), "%s(%q): the fast path accepts what apimachinery refuses", name, in)
			}
		}
	}
	check("isQualifiedName", isQualifiedName, validation.IsQualifiedName)
	check("isLabelValue", isLabelValue, validation.IsValidLabelValue)
	check("isDNS1123Label", isDNS1123Label, validation.IsDNS1123Label)
	check("isDNS1123Subdomain", isDNS1123Subdomain, validation.IsDNS1123Subdomain)
	assert.True(t, isQualifiedName("app.kubernetes.io/name"))
	assert.True(t, isDNS1123Subdomain("shop.example.com"))
}
