package imagepolicy_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferrygitops/ferry/imagepolicy"
)

// The choices image-reflector-controller makes, rule by rule.
func TestLatest(t *testing.T) {
	releases := []string{"1.2.0", "1.3.0", "1.4.0-rc.1", "2.0.0"}
	ubuntu := []string{"xenial", "yakkety", "zesty", "artful", "bionic"}
	minio := []string{"RELEASE.2023-01-31T08-42-01Z", "RELEASE.2023-02-09T05-16-53Z", "RELEASE.2022-12-12T19-27-27Z", "latest"}
	builds := []string{"main-3a2f1c9-1675000000", "main-9be0d11-1676000000", "main-07acde2-999", "feature-x-5c1d2aa-1690000000"}
	cases := []struct {
		name    string
		policy  imagepolicy.Policy
		tags    []string
		pre     bool
		want    string
		wantErr string
	}{
		{"semver range", imagepolicy.Policy{SemVer: ">=1.0.0 <2.0.0"}, releases, false, "1.3.0", ""},
		{"semver range, prereleases allowed", imagepolicy.Policy{SemVer: ">=1.0.0 <2.0.0"}, releases, true, "1.4.0-rc.1", ""},
		{"prereleases allowed, only of versions in the range", imagepolicy.Policy{SemVer: ">=1.0.0 <2.0.0"}, []string{"1.3.0", "2.0.0-rc.1", "2.0.0"}, true, "1.3.0", ""},
		{"prereleases allowed, tilde", imagepolicy.Policy{SemVer: "~1.2"}, []string{"1.2.3", "1.3.0-rc.1"}, true, "1.2.3", ""},
		{"semver range naming a prerelease", imagepolicy.Policy{SemVer: ">=1.0.0-0 <2.0.0"}, releases, false, "1.4.0-rc.1", ""},
		{"semver wildcard", imagepolicy.Policy{SemVer: "1.2.x"}, releases, false, "1.2.0", ""},
		{"semver caret", imagepolicy.Policy{SemVer: "^1.2"}, releases, false, "1.3.0", ""},
		{"semver any", imagepolicy.Policy{SemVer: "*"}, releases, false, "2.0.0", ""},
		{"semver leading v kept", imagepolicy.Policy{SemVer: ">=1.0.0"}, []string{"v1.0.0", "v1.10.0", "v1.9.3", "1.9.9"}, false, "v1.10.0", ""},
		{"semver ignores non-versions", imagepolicy.Policy{SemVer: ">=1.0.0"}, []string{"latest", "1.0", "1.0.1", "main"}, false, "1.0.1", ""},
		{"semver nothing in range", imagepolicy.Policy{SemVer: ">=3.0.0"}, releases, false, "", "no tag of  is a version in the range"},
		{"alphabetical asc", imagepolicy.Policy{Alphabetical: imagepolicy.OrderAsc}, ubuntu, false, "zesty", ""},
		{"alphabetical desc", imagepolicy.Policy{Alphabetical: imagepolicy.OrderDesc}, ubuntu, false, "artful", ""},
		{"alphabetical extract", imagepolicy.Policy{Alphabetical: imagepolicy.OrderAsc, FilterPattern: `^RELEASE\.(?P<timestamp>.*)Z$`, FilterExtract: "$timestamp"}, minio, false, "RELEASE.2023-02-09T05-16-53Z", ""},
		{"numerical extract asc", imagepolicy.Policy{Numerical: imagepolicy.OrderAsc, FilterPattern: `^main-[a-f0-9]+-(?P<ts>[0-9]+)$`, FilterExtract: "$ts"}, builds, false, "main-9be0d11-1676000000", ""},
		{"numerical extract desc", imagepolicy.Policy{Numerical: imagepolicy.OrderDesc, FilterPattern: `^main-[a-f0-9]+-(?P<ts>[0-9]+)$`, FilterExtract: "$ts"}, builds, false, "main-07acde2-999", ""},
		{"numerical plain", imagepolicy.Policy{Numerical: imagepolicy.OrderAsc}, []string{"1", "10", "9", "-3", "2.5"}, false, "10", ""},
		{"numerical refuses text", imagepolicy.Policy{Numerical: imagepolicy.OrderAsc}, []string{"1", "abc"}, false, "", `tag "abc" of  is not a number`},
		{"filter without extract", imagepolicy.Policy{Alphabetical: imagepolicy.OrderAsc, FilterPattern: `^1\.`}, releases, false, "1.4.0-rc.1", ""},
		{"filter keeps nothing", imagepolicy.Policy{SemVer: "*", FilterPattern: `^nope`}, releases, false, "", "none of the 4 tags"},
		{"exclusion list", imagepolicy.Policy{SemVer: "*", Exclude: []string{`^2\.`}}, releases, false, "1.3.0", ""},
		{"signatures excluded", imagepolicy.Policy{Alphabetical: imagepolicy.OrderAsc, Exclude: []string{`^.*\.sig$`}}, []string{"sha256-abc.sig", "a", "b"}, false, "b", ""},
		{"no policy", imagepolicy.Policy{}, releases, false, "", "set one of semver, alphabetical or numerical"},
		{"two policies", imagepolicy.Policy{SemVer: "*", Numerical: imagepolicy.OrderAsc}, releases, false, "", "set only one"},
		{"bad range", imagepolicy.Policy{SemVer: "one point two"}, releases, false, "", `semver range "one point two"`},
		{"bad order", imagepolicy.Policy{Alphabetical: "UP"}, releases, false, "", `order "UP"`},
		{"bad pattern", imagepolicy.Policy{SemVer: "*", FilterPattern: "("}, releases, false, "", "filterTags.pattern"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := c.policy.Latest(c.tags, c.pre)
			if c.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), c.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, c.want, got)
		})
	}
}

// The same tags in any order give the same choice, ties included.
func TestLatestIsDeterministic(t *testing.T) {
	p := imagepolicy.Policy{Numerical: imagepolicy.OrderAsc, FilterPattern: `^b-(?P<n>[0-9]+)`, FilterExtract: "$n"}
	a, err := p.Latest([]string{"b-2-x", "b-2-y", "b-1"}, false)
	require.NoError(t, err)
	b, err := p.Latest([]string{"b-1", "b-2-y", "b-2-x"}, false)
	require.NoError(t, err)
	assert.Equal(t, a, b)
	assert.Equal(t, "b-2-x", a)
}
