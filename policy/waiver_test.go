package policy_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferrygitops/ferry/policy"
)

func TestWaivers(t *testing.T) {
	deployment := func(waive string) string {
		return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: vendor
  annotations:
    ferry.dev/waive: ` + waive + `
spec:
  template:
    spec:
      containers:
      - name: app
        image: registry.vendor.example/app:2024-05-01
`
	}
	now := func() time.Time { return time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC) }
	tests := []struct {
		name  string
		waive string
		want  []string
	}{
		{
			name:  "waived with reason and date",
			waive: `"semver-tag: vendor image uses date tags; until 2027-01-31"`,
			want:  []string{"error semver-tag: waived (vendor image uses date tags, until 2027-01-31)"},
		},
		{
			name:  "waived without end date",
			waive: `"semver-tag: vendor image uses date tags"`,
			want:  []string{"error semver-tag: waived (vendor image uses date tags, until )"},
		},
		{
			name:  "Until with a colon",
			waive: `"semver-tag: vendor; Until: 2027-01-31"`,
			want:  []string{"error semver-tag: waived (vendor, until 2027-01-31)"},
		},
		{
			name:  "until inside the reason",
			waive: `"semver-tag: pinned until upstream ships semver"`,
			want:  []string{"error semver-tag: waived (pinned until upstream ships semver, until )"},
		},
		{
			name:  "last day still holds",
			waive: `"semver-tag: vendor; until 2026-11-27"`,
			want:  []string{"error semver-tag: waived (vendor, until 2026-11-27)"},
		},
		{
			name:  "no reason",
			waive: `"semver-tag:"`,
			want: []string{
				"error waiver: waiver of semver-tag gives no reason: write \"semver-tag: <why it is acceptable>\"",
				"error semver-tag: not waived",
			},
		},
		{
			name:  "expired",
			waive: `"semver-tag: vendor image; until 2026-11-26"`,
			want: []string{
				"error waiver: waiver of semver-tag expired on 2026-11-26: fix the finding or renew the waiver with a new date",
				"error semver-tag: not waived",
			},
		},
		{
			name:  "bad date",
			waive: `"semver-tag: vendor image; until next-year"`,
			want: []string{
				"error waiver: waiver of semver-tag has an invalid end date \"next-year\": use YYYY-MM-DD",
				"error semver-tag: not waived",
			},
		},
		{
			name:  "several lines, one rule each",
			waive: "|\n      no-prerelease: not used here\n      semver-tag: vendor image uses date tags",
			want:  []string{"error semver-tag: waived (vendor image uses date tags, until )"},
		},
		{
			name:  "no rule",
			waive: `"just because"`,
			want: []string{
				"error waiver: waiver \"just because\" does not name a rule: write \"<rule>: <reason>\"",
				"error semver-tag: not waived",
			},
		},
	}
	e, err := policy.Load(context.Background(), policy.Options{Now: now})
	require.NoError(t, err)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs, err := e.Check(context.Background(), objects(t, deployment(tt.waive)))
			require.NoError(t, err)
			var got []string
			for _, f := range fs {
				s := f.Severity.String() + " " + f.Rule + ": "
				switch {
				case f.Rule == "waiver":
					s += f.Message
					assert.Equal(t, "/metadata/annotations/ferry.dev~1waive", f.Field)
				case f.Waiver != nil:
					s += "waived (" + f.Waiver.Reason + ", until " + f.Waiver.Until + ")"
				default:
					s += "not waived"
				}
				got = append(got, s)
			}
			assert.Equal(t, tt.want, got)
			for _, f := range fs {
				assert.True(t, strings.HasPrefix(f.Source.String(), "apps/web.yaml"), f.Source.String())
			}
		})
	}
}
