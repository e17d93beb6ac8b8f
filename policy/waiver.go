package policy

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/ferrygitops/ferry/finding"
	"github.com/ferrygitops/ferry/manifest"
)

// WaiveAnnotation is the object annotation that waives rules on the object.
// Its value holds one waiver per line: "<rule>: <reason>", optionally ending
// in "; until YYYY-MM-DD" (the last day it holds), e.g.
//
//	semver-tag: vendor image uses date tags; until 2027-01-31
const WaiveAnnotation = "ferry.dev/waive"

// untilSuffix is a waiver's end date: "; until YYYY-MM-DD" at the end of
// the line, the colon and case optional. An "until" inside the reason
// ("pinned until upstream ships semver") is part of the reason.
var untilSuffix = regexp.MustCompile(`(?i);\s*until:?\s*(\S+)\s*$`)

// waiverRule is the rule of findings about waivers themselves.
const waiverRule = "waiver"

// waiverField is the JSON pointer of the annotation.
var waiverField = finding.Pointer("metadata", "annotations", WaiveAnnotation)

// Waive marks the findings about obj that its ferry.dev/waive annotation
// waives, as the policy checks do, for callers with findings of their own
// (a plan's). It also returns a finding for every waiver of the annotation
// that is malformed, has no reason or has expired.
func Waive(fs []finding.Finding, obj *manifest.Object, now time.Time) []finding.Finding {
	return applyWaivers(fs, obj, now)
}

// applyWaivers marks the findings the object waives, and adds a finding for
// every waiver that is malformed, has no reason or has expired (those waive
// nothing).
func applyWaivers(fs []finding.Finding, obj *manifest.Object, now time.Time) []finding.Finding {
	raw, ok := obj.Field("metadata", "annotations", WaiveAnnotation)
	if !ok {
		return fs
	}
	text, _ := raw.(string)
	source := obj.Origin()
	if o, ok := obj.FieldOrigin(waiverField); ok {
		source = o
	}
	problem := func(format string, args ...any) finding.Finding {
		return finding.Finding{
			Rule: waiverRule, Severity: finding.SeverityError, Object: obj.ID(), Field: waiverField, Source: source,
			Message: fmt.Sprintf(format, args...),
		}
	}
	today := now.UTC().Format(time.DateOnly)
	waivers := map[string]*finding.Waiver{}
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		rule, rest, found := strings.Cut(line, ":")
		rule, rest = strings.TrimSpace(rule), strings.TrimSpace(rest)
		if !found || rule == "" {
			fs = append(fs, problem("waiver %q does not name a rule: write \"<rule>: <reason>\"", line))
			continue
		}
		reason, until := rest, ""
		if m := untilSuffix.FindStringSubmatchIndex(rest); m != nil {
			reason = strings.TrimSpace(rest[:m[0]])
			until = rest[m[2]:m[3]]
			if _, err := time.Parse(time.DateOnly, until); err != nil {
				fs = append(fs, problem("waiver of %s has an invalid end date %q: use YYYY-MM-DD", rule, until))
				continue
			}
		}
		if reason == "" {
			fs = append(fs, problem("waiver of %s gives no reason: write \"%s: <why it is acceptable>\"", rule, rule))
			continue
		}
		if until != "" && until < today {
			fs = append(fs, problem("waiver of %s expired on %s: fix the finding or renew the waiver with a new date", rule, until))
			continue
		}
		waivers[rule] = &finding.Waiver{Reason: reason, Until: until, Source: source}
	}
	for i := range fs {
		if w, ok := waivers[fs[i].Rule]; ok && fs[i].Waiver == nil && fs[i].Rule != waiverRule {
			fs[i].Waiver = w
		}
	}
	return fs
}
