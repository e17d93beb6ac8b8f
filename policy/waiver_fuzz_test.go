package policy

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ferrygitops/ferry/finding"
	"github.com/ferrygitops/ferry/manifest"
)

// FuzzWaivers reads an arbitrary ferry.dev/waive annotation, followed by a
// last line "<rule>: <reason>", and checks that waivers never panic; that
// every malformed, unjustified or expired waiver is an error finding naming
// the file and the annotation's line; that only rules the annotation names
// are waived, with a reason and an end date not passed; and that the last
// line, when well formed, waives its rule with its reason.
func FuzzWaivers(f *testing.F) {
	for _, s := range []string{
		"", "semver-tag: vendor image uses date tags; until 2027-01-31", "semver-tag: vendor; Until: 2027-01-31",
		"semver-tag: pinned until upstream ships semver", "semver-tag", ": reason", "semver-tag:", "semver-tag: x; until 2020-01-01",
		"semver-tag: x; until tomorrow", "a: b\nb: c\n\n  \nno-colon\n", "a: b; until 2026-11-27", "a:b:c; until: 2099-12-31 ",
	} {
		f.Add(s, "no-latest-tag", "vendor image")
	}
	f.Add("", "semver-tag", "dates; until 2027-01-31")
	f.Add("x: y", " spaced ", " reason ")
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	today := now.Format(time.DateOnly)
	f.Fuzz(func(t *testing.T, text, rule, reason string) {
		waive := text + "\n" + rule + ": " + reason
		js, err := json.Marshal(waive)
		require.NoError(t, err)
		const file = "apps/vendor.yaml"
		doc := "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: vendor\n  annotations:\n    ferry.dev/waive: " + string(js) + "\n"
		objs, err := manifest.Decode(file, []byte(doc))
		if err != nil || len(objs) != 1 {
			return // not every string survives as a YAML double-quoted scalar
		}
		obj := objs[0]
		raw, _ := obj.Field("metadata", "annotations", WaiveAnnotation)
		got, _ := raw.(string)
		named := map[string]bool{}
		lines := 0
		for _, l := range strings.Split(got, "\n") {
			if strings.TrimSpace(l) == "" {
				continue
			}
			lines++
			r, _, _ := strings.Cut(l, ":")
			named[strings.TrimSpace(r)] = true
		}
		candidates := []string{"not named \x00 anywhere", waiverRule, strings.TrimSpace(rule)}
		for r := range named {
			candidates = append(candidates, r)
		}
		var in []finding.Finding
		for _, r := range candidates {
			in = append(in, finding.Finding{Rule: r, Severity: finding.SeverityError, Object: obj.ID(), Message: "m"})
		}

		out := applyWaivers(append([]finding.Finding(nil), in...), obj, now)
		again := applyWaivers(append([]finding.Finding(nil), in...), obj, now)
		require.Equal(t, out, again, "not deterministic")

		problems := 0
		waived := map[string]*finding.Waiver{}
		for _, fd := range out[len(in):] {
			problems++
			require.Equal(t, waiverRule, fd.Rule)
			require.Equal(t, finding.SeverityError, fd.Severity)
			require.Equal(t, obj.ID(), fd.Object)
			require.Equal(t, file, fd.Source.File)
			require.Equal(t, 6, fd.Source.Line, "the annotation's line")
			require.NotEmpty(t, fd.Message)
			require.Nil(t, fd.Waiver)
		}
		require.LessOrEqual(t, problems, lines)
		for _, fd := range out[:len(in)] {
			if fd.Waiver == nil {
				continue
			}
			require.NotEqual(t, waiverRule, fd.Rule, "a waiver finding is never waived")
			require.True(t, named[fd.Rule], "rule %q waived but not named in %q", fd.Rule, got)
			require.NotEmpty(t, fd.Waiver.Reason)
			require.NotContains(t, fd.Waiver.Reason, "\n")
			require.Equal(t, fd.Waiver.Reason, strings.TrimSpace(fd.Waiver.Reason))
			if fd.Waiver.Until != "" {
				_, err := time.Parse(time.DateOnly, fd.Waiver.Until)
				require.NoError(t, err)
				require.GreaterOrEqual(t, fd.Waiver.Until, today)
			}
			require.Equal(t, manifest.Origin{File: file, Line: 6}, fd.Waiver.Source)
			waived[fd.Rule] = fd.Waiver
		}

		// The last line, well formed, waives its rule for good.
		r, why := strings.TrimSpace(rule), strings.TrimSpace(reason)
		if got == waive && r != "" && r != waiverRule && why != "" && !strings.ContainsAny(rule+reason, ":\n\r\u0085\u2028\u2029") &&
			!untilSuffix.MatchString(why) && strings.TrimSpace(r) == r {
			w := waived[r]
			require.NotNil(t, w, "%q does not waive %q", got, r)
			require.Equal(t, finding.Waiver{Reason: why, Source: manifest.Origin{File: file, Line: 6}}, *w)
		}
	})
}
