package promote

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/ferrygitops/ferry/finding"
	"github.com/ferrygitops/ferry/manifest"
)

// RuleProgressiveDelivery is the plan rule that requires, where an
// environment says so (progressiveDelivery: required in ferry.yaml), that
// a change to a progressively delivered workload goes through a canary
// with analysis in the target too.
const RuleProgressiveDelivery = "progressive-delivery"

// ProgressiveRequired is the value of Environment.ProgressiveDelivery that
// turns RuleProgressiveDelivery on.
const ProgressiveRequired = "required"

// Delivery says how a change reaches a workload: through a Flagger Canary,
// an Argo Rollout, or a Flux HelmRelease's test and remediation.
type Delivery struct {
	// Workload is the object whose version changes.
	Workload manifest.ID `json:"workload"`
	// By is the object that rolls the change out: the Canary, the Rollout
	// (the workload itself, or one whose workloadRef names it), or the
	// HelmRelease.
	By manifest.ID `json:"by"`
	// Strategy is "canary", "blueGreen" or "abTesting" (Flagger and Argo
	// Rollouts), or "helm" for a HelmRelease.
	Strategy string `json:"strategy"`
	// Steps summarise the rollout: Argo's steps, Flagger's weights and
	// interval, a HelmRelease's test and remediation settings.
	Steps []string `json:"steps,omitempty"`
	// Analysis says the rollout is gated by metrics, analysis templates or
	// webhooks (or, for a HelmRelease, by its tests).
	Analysis bool `json:"analysis"`
	// Metrics are the metrics and analysis templates used.
	Metrics []string `json:"metrics,omitempty"`
}

// deliveries returns how each workload of objs is rolled out, by the
// workload's group, kind, namespace and name without the environment's
// affixes (see deliveryKey).
func deliveries(objs []*manifest.Object, aff Affixes) map[string]Delivery {
	out := map[string]Delivery{}
	key := func(id manifest.ID) string { return deliveryKey(id, aff, true) }
	for _, o := range objs {
		api := o.APIVersion()
		switch {
		case o.Kind() == "Canary" && strings.HasPrefix(api, "flagger.app/"):
			target := refID(o, "targetRef")
			if target.Name == "" {
				continue
			}
			if target.Namespace == "" {
				target.Namespace = o.Namespace()
			}
			out[key(target)] = flaggerDelivery(o, target)
		case o.Kind() == "Rollout" && strings.HasPrefix(api, "argoproj.io/"):
			d := rolloutDelivery(o)
			if ref := refID(o, "workloadRef"); ref.Name != "" {
				if ref.Namespace == "" {
					ref.Namespace = o.Namespace()
				}
				d.Workload = ref
			}
			out[key(d.Workload)] = d
		case o.Kind() == "HelmRelease" && strings.HasPrefix(api, "helm.toolkit.fluxcd.io/"):
			out[key(o.ID())] = helmDelivery(o)
		}
	}
	return out
}

// deliveryKey identifies a workload: within one environment by its
// namespace too, across environments (whose namespaces differ) without it.
func deliveryKey(id manifest.ID, aff Affixes, namespaced bool) string {
	ns := ""
	if namespaced {
		ns = id.Namespace
	}
	return id.Group + "/" + id.Kind + "/" + ns + "/" + aff.strip(id.Name)
}

// byName indexes deliveries across environments: by workload without its
// namespace, every delivery of that name.
func byName(ds map[string]Delivery, aff Affixes) map[string][]Delivery {
	out := map[string][]Delivery{}
	for _, k := range slices.Sorted(maps.Keys(ds)) {
		d := ds[k]
		n := deliveryKey(d.Workload, aff, false)
		out[n] = append(out[n], d)
	}
	return out
}

// refID reads a {apiVersion, kind, name} reference at spec.<field>.
func refID(o *manifest.Object, field string) manifest.ID {
	s := func(k string) string { v, _ := o.Field("spec", field, k); str, _ := v.(string); return str }
	group, _, _ := strings.Cut(s("apiVersion"), "/")
	if !strings.Contains(s("apiVersion"), "/") {
		group = ""
	}
	return manifest.ID{Group: group, Kind: s("kind"), Name: s("name")}
}

func flaggerDelivery(o *manifest.Object, target manifest.ID) Delivery {
	d := Delivery{Workload: target, By: o.ID(), Strategy: "canary"}
	a, _ := o.Field("spec", "analysis")
	if a == nil {
		a, _ = o.Field("spec", "canaryAnalysis") // v1alpha names
	}
	an, _ := a.(map[string]any)
	if an == nil {
		return d
	}
	if it, ok := an["iterations"]; ok && it != nil {
		d.Strategy = "blueGreen"
		if m, _ := an["match"].([]any); len(m) > 0 {
			d.Strategy = "abTesting"
		}
		d.Steps = append(d.Steps, fmt.Sprintf("%v iterations", it))
	}
	if w, ok := an["stepWeights"].([]any); ok && len(w) > 0 {
		var ws []string
		for _, x := range w {
			ws = append(ws, fmt.Sprintf("%v%%", x))
		}
		d.Steps = append(d.Steps, "weights "+strings.Join(ws, ", "))
	} else if sw, ok := an["stepWeight"]; ok {
		step := fmt.Sprintf("step %v%%", sw)
		if mw, ok := an["maxWeight"]; ok {
			step += fmt.Sprintf(" up to %v%%", mw)
		}
		d.Steps = append(d.Steps, step)
	}
	if iv, ok := an["interval"]; ok {
		d.Steps = append(d.Steps, fmt.Sprintf("every %v", iv))
	}
	if th, ok := an["threshold"]; ok {
		d.Steps = append(d.Steps, fmt.Sprintf("rollback after %v failed checks", th))
	}
	metrics, _ := an["metrics"].([]any)
	for _, m := range metrics {
		mm, _ := m.(map[string]any)
		name, _ := mm["name"].(string)
		if ref, ok := mm["templateRef"].(map[string]any); ok {
			if tn, _ := ref["name"].(string); tn != "" {
				name += " (template " + tn + ")"
			}
		}
		if name != "" {
			d.Metrics = append(d.Metrics, name)
		}
	}
	webhooks, _ := an["webhooks"].([]any)
	for _, w := range webhooks {
		if name, _ := w.(map[string]any)["name"].(string); name != "" {
			d.Metrics = append(d.Metrics, "webhook "+name)
		}
	}
	d.Analysis = len(d.Metrics) > 0
	if skip, _ := o.Field("spec", "skipAnalysis"); skip == true {
		// Flagger promotes at once, whatever the analysis says.
		d.Analysis = false
		d.Steps = append(d.Steps, "skipAnalysis: promoted without analysis")
	}
	return d
}

func rolloutDelivery(o *manifest.Object) Delivery {
	d := Delivery{Workload: o.ID(), By: o.ID()}
	templates := func(v any) {
		m, _ := v.(map[string]any)
		ts, _ := m["templates"].([]any)
		for _, t := range ts {
			if n, _ := t.(map[string]any)["templateName"].(string); n != "" && !slices.Contains(d.Metrics, n) {
				d.Metrics = append(d.Metrics, n)
			}
		}
	}
	if c, ok := o.Field("spec", "strategy", "canary"); ok {
		d.Strategy = "canary"
		cm, _ := c.(map[string]any)
		steps, _ := cm["steps"].([]any)
		for _, s := range steps {
			sm, _ := s.(map[string]any)
			switch {
			case sm["setWeight"] != nil:
				d.Steps = append(d.Steps, fmt.Sprintf("setWeight %v", sm["setWeight"]))
			case sm["pause"] != nil:
				p, _ := sm["pause"].(map[string]any)
				if dur, ok := p["duration"]; ok {
					d.Steps = append(d.Steps, fmt.Sprintf("pause %v", dur))
				} else {
					d.Steps = append(d.Steps, "pause until promoted")
				}
			case sm["analysis"] != nil:
				d.Steps = append(d.Steps, "analysis")
				templates(sm["analysis"])
			case sm["experiment"] != nil:
				d.Steps = append(d.Steps, "experiment")
			}
		}
		if bg, ok := cm["analysis"]; ok {
			d.Steps = append(d.Steps, "background analysis")
			templates(bg)
		}
	}
	if b, ok := o.Field("spec", "strategy", "blueGreen"); ok {
		d.Strategy = "blueGreen"
		bm, _ := b.(map[string]any)
		if pre, ok := bm["prePromotionAnalysis"]; ok {
			d.Steps = append(d.Steps, "pre-promotion analysis")
			templates(pre)
		}
		if post, ok := bm["postPromotionAnalysis"]; ok {
			d.Steps = append(d.Steps, "post-promotion analysis")
			templates(post)
		}
		if auto, ok := bm["autoPromotionEnabled"].(bool); ok && !auto {
			d.Steps = append(d.Steps, "manual promotion")
		}
	}
	d.Analysis = len(d.Metrics) > 0
	return d
}

func helmDelivery(o *manifest.Object) Delivery {
	d := Delivery{Workload: o.ID(), By: o.ID(), Strategy: "helm"}
	if on, _ := o.Field("spec", "test", "enable"); on == true {
		d.Analysis = true
		d.Steps = append(d.Steps, "helm test after install and upgrade")
	}
	for _, action := range []string{"install", "upgrade"} {
		r, ok := o.Field("spec", action, "remediation")
		if !ok {
			continue
		}
		rm, _ := r.(map[string]any)
		s := action + " remediation"
		if n, ok := rm["retries"]; ok {
			s += fmt.Sprintf(": %v retries", n)
		}
		if st, ok := rm["strategy"].(string); ok {
			s += ", then " + st
		}
		if lf, ok := rm["remediateLastFailure"].(bool); ok && lf {
			s += ", last failure remediated"
		}
		d.Steps = append(d.Steps, s)
	}
	return d
}

// attachDeliveries records on each promoting change how its target uses
// roll out, and returns the findings of RuleProgressiveDelivery when the
// target requires progressive delivery: a change to a workload that the
// source or the target rolls out through a Canary or Rollout must roll out
// through one with analysis in the target.
func attachDeliveries(changes []Change, tgt Environment, srcDel, tgtDel map[string]Delivery, srcAff, tgtAff Affixes, srcName string) []finding.Finding {
	var out []finding.Finding
	source := byName(srcDel, srcAff)
	for i := range changes {
		c := &changes[i]
		if !c.Promotes() {
			continue
		}
		seen := map[manifest.ID]bool{}
		for _, u := range c.Target {
			if seen[u.Object] {
				continue
			}
			seen[u.Object] = true
			d, has := tgtDel[deliveryKey(u.Object, tgtAff, true)]
			if has {
				c.Deliveries = append(c.Deliveries, d)
			}
			if tgt.ProgressiveDelivery != ProgressiveRequired || c.Kind != KindImage {
				continue
			}
			progressive := func(d Delivery) bool { return d.Strategy != "helm" }
			// The source's namespaces are not the target's: any source
			// workload of that name that is rolled out progressively makes
			// this one canaried (when names repeat, the safe side).
			var s Delivery
			srcHas := false
			for _, sd := range source[deliveryKey(u.Object, tgtAff, false)] {
				if progressive(sd) {
					s, srcHas = sd, true
					break
				}
			}
			switch {
			case has && progressive(d) && d.Analysis:
			case has && progressive(d):
				out = append(out, finding.Finding{
					Rule: RuleProgressiveDelivery, Severity: finding.SeverityError, Object: u.Object, Source: u.Source,
					Message: fmt.Sprintf("%s requires progressive delivery with analysis: %s rolls %s out without analysis; add metrics, analysis templates or webhooks to it", tgt.Name, d.By, u.Object),
				})
			case srcHas && progressive(s):
				out = append(out, finding.Finding{
					Rule: RuleProgressiveDelivery, Severity: finding.SeverityError, Object: u.Object, Source: u.Source,
					Message: fmt.Sprintf("%s requires progressive delivery: %s rolls %s out through %s, but %s has no Canary or Rollout for it; add one with analysis before promoting %s", tgt.Name, srcName, u.Object, s.By, tgt.Name, c.Artifact),
				})
			}
		}
	}
	return out
}
