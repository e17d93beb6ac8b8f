package promote

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/ferrygitops/ferry/finding"
	"github.com/ferrygitops/ferry/manifest"
	"github.com/ferrygitops/ferry/policy"
	"github.com/ferrygitops/ferry/render"
)

// RuleUnrendered is the rule of the plan's findings about Flux
// Kustomizations of the source or the target that ferry did not render (their
// source is not this repository, or not one ferry can map to it). What they
// apply is unknown, so a plan that has them is never "nothing to do" and
// never ready: it is blocked until the source is mapped (ferry.yaml sources,
// or --source), or the Kustomization waives the rule with a reason
// (ferry.dev/waive: "unrendered-source: vendor manifests, never promoted").
const RuleUnrendered = "unrendered-source"

// unrendered returns a blocking finding for each Flux Kustomization of the
// environment that was found but not rendered, with the reason rendering
// gave, waived where the Kustomization says so.
func unrendered(env Environment, res *render.Result, now time.Time) []finding.Finding {
	objs := map[manifest.ID]*manifest.Object{}
	for _, o := range res.Objects {
		objs[o.ID()] = o
	}
	var out []finding.Finding
	for _, k := range res.Kustomizations {
		if k.Path != "" {
			continue
		}
		f := finding.Finding{
			Rule: RuleUnrendered, Severity: finding.SeverityError, Object: k.ID, Source: k.Origin,
			Message: fmt.Sprintf("%s: Flux Kustomization %s/%s %s, so ferry cannot tell which versions it applies: map the source (ferry.yaml sources, or --source), or waive %s on the Kustomization with a reason if it holds nothing to promote",
				env.Name, k.ID.Namespace, k.ID.Name, k.Unrendered, RuleUnrendered),
		}
		if o, ok := objs[k.ID]; ok {
			for _, w := range policy.Waive([]finding.Finding{f}, o, now) {
				if w.Rule == RuleUnrendered {
					f = w
				}
			}
		}
		out = append(out, f)
	}
	return out
}

// RuleAmbiguous is the rule of the plan's findings about an artifact that
// the source, or the target, pins at several versions for the workloads
// the promotion pairs (a canary on a newer tag): which one to carry over is
// not the plan's to guess, so it blocks until the workloads are promoted
// one at a time (Selection.Objects, --object KIND/NAME) or the versions are
// aligned.
const RuleAmbiguous = "ambiguous"

// RuleRange is the rule of the plan's findings about a chart version or
// source ref range that differs between the environments: a range is a
// constraint, carried over only when the request says so (Request.Ranges,
// --ranges).
const RuleRange = "range"

// ambiguous returns a blocking finding for every change that has no one
// version to carry over: an ambiguous artifact, or a range not asked for.
func ambiguous(changes []Change) []finding.Finding {
	var out []finding.Finding
	for _, c := range changes {
		var f finding.Finding
		switch c.Relation {
		case RelationAmbiguous:
			f = finding.Finding{Rule: RuleAmbiguous, Severity: finding.SeverityError,
				Message: fmt.Sprintf("%s: %s", c.Artifact, strings.Join(c.Warnings, "; "))}
		case RelationRange:
			f = finding.Finding{Rule: RuleRange, Severity: finding.SeverityError,
				Message: fmt.Sprintf("%s: the source pins %s, the target %s: a range is a constraint, not a version; promote it with --ranges (Request.Ranges) if the target should take the source's", c.Artifact, quoted(c.To), quoted(c.From))}
		default:
			continue
		}
		if len(c.Target) > 0 {
			f.Object, f.Field, f.Source = c.Target[0].Object, c.Target[0].Field, c.Target[0].Source
		}
		out = append(out, f)
	}
	return out
}

func quoted(v *Version) string {
	if v == nil {
		return "several versions"
	}
	return strconv.Quote(v.String())
}
