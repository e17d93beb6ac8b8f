package policy

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/topdown/print"
	"golang.org/x/sync/errgroup"

	"github.com/ferrygitops/ferry/finding"
	"github.com/ferrygitops/ferry/internal/fieldline"
	"github.com/ferrygitops/ferry/manifest"
)

// Result is the outcome of evaluating the policies on one input: an object,
// or everything at once for combined and document inputs.
type Result struct {
	// Object is the object evaluated; nil for combined and document input.
	Object *manifest.Object
	// Findings are the input's findings, sorted, waived ones included.
	Findings []finding.Finding
	// Namespaces tally, per namespace evaluated, what conftest reports.
	Namespaces []NamespaceResult
}

// NamespaceResult is conftest's tally of one namespace on one input.
type NamespaceResult struct {
	// Namespace is the package path, e.g. "main".
	Namespace string
	// Successes counts the rules that returned nothing, as conftest does
	// (each definition of a rule counts once).
	Successes int
	// Exceptions are the rules an exception rule waived, written as the
	// query conftest reports for them: data.main.exception[_][_] == "x".
	Exceptions []string
}

// Check evaluates the policies on each object, in parallel, and returns
// their findings, sorted. Findings waived by an exception rule or by the
// object's ferry.dev/waive annotation are included, with their Waiver set.
func (e *Engine) Check(ctx context.Context, objs []*manifest.Object) ([]finding.Finding, error) {
	results, err := e.Evaluate(ctx, objs)
	if err != nil {
		return nil, err
	}
	return flatten(results), nil
}

// Evaluate is Check with the results kept per object, in input order.
func (e *Engine) Evaluate(ctx context.Context, objs []*manifest.Object) ([]Result, error) {
	results := make([]Result, len(objs))
	prints := make([][]Print, len(objs))
	src := fieldline.New(e.opts.Sources)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i, obj := range objs {
		g.Go(func() error {
			input, err := ast.InterfaceToValue(obj.Content())
			if err != nil {
				return fmt.Errorf("check %s: convert input: %w", obj.ID(), err)
			}
			r, ps, err := e.eval(gctx, input, obj.ID().String())
			if err != nil {
				return fmt.Errorf("check %s: %w", obj.ID(), err)
			}
			for j := range r.Findings {
				locate(&r.Findings[j], obj, src)
			}
			r.Object = obj
			r.Findings = applyWaivers(r.Findings, obj, e.now())
			finding.Sort(r.Findings)
			results[i], prints[i] = r, ps
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	e.deliver(prints)
	return results, nil
}

// CheckCombined evaluates the policies once on all objects together, in
// conftest's --combine shape: input is a list of {"path": file, "contents":
// object}. Findings carry no object; their source is the policy's _loc, if
// any.
func (e *Engine) CheckCombined(ctx context.Context, objs []*manifest.Object) ([]finding.Finding, error) {
	r, err := e.EvaluateCombined(ctx, objs)
	if err != nil {
		return nil, err
	}
	return r.Findings, nil
}

// EvaluateCombined is CheckCombined with conftest's tally kept.
func (e *Engine) EvaluateCombined(ctx context.Context, objs []*manifest.Object) (Result, error) {
	docs := make([]any, len(objs))
	for i, o := range objs {
		docs[i] = map[string]any{"path": o.Origin().File, "contents": o.Content()}
	}
	return e.evaluateDocument(ctx, docs)
}

// Eval evaluates the policies on one document of any shape (a promotion
// plan, say), for rules that judge a whole document rather than an object.
// input must be JSON-compatible.
func (e *Engine) Eval(ctx context.Context, input any) ([]finding.Finding, error) {
	r, err := e.evaluateDocument(ctx, input)
	if err != nil {
		return nil, err
	}
	return r.Findings, nil
}

func (e *Engine) evaluateDocument(ctx context.Context, input any) (Result, error) {
	value, err := ast.InterfaceToValue(input)
	if err != nil {
		return Result{}, fmt.Errorf("evaluate policies: convert input: %w", err)
	}
	r, ps, err := e.eval(ctx, value, "")
	if err != nil {
		return Result{}, fmt.Errorf("evaluate policies: %w", err)
	}
	e.deliver([][]Print{ps})
	finding.Sort(r.Findings)
	return r, nil
}

func flatten(results []Result) []finding.Finding {
	var out []finding.Finding
	for _, r := range results {
		out = append(out, r.Findings...)
	}
	finding.Sort(out)
	return out
}

func (e *Engine) now() time.Time {
	if e.opts.Now != nil {
		return e.opts.Now()
	}
	return time.Now()
}

func (e *Engine) deliver(prints [][]Print) {
	if e.opts.Print == nil {
		return
	}
	for _, ps := range prints {
		for _, p := range ps {
			e.opts.Print(p)
		}
	}
}

// printHook collects the print() output of one evaluation.
type printHook struct {
	object string
	mu     sync.Mutex
	out    []Print
}

func (h *printHook) Print(ctx print.Context, msg string) error {
	loc := ""
	if ctx.Location != nil {
		loc = fmt.Sprintf("%s:%d", ctx.Location.File, ctx.Location.Row)
	}
	h.mu.Lock()
	h.out = append(h.out, Print{Object: h.object, Location: loc, Message: msg})
	h.mu.Unlock()
	return nil
}

// eval runs the prepared query on one input and turns its results into
// findings (without source locations, which depend on the object) and
// conftest's tallies.
func (e *Engine) eval(ctx context.Context, input ast.Value, object string) (Result, []Print, error) {
	ctx, cancel := context.WithTimeout(ctx, e.opts.Timeout)
	defer cancel()
	hook := &printHook{object: object}
	rs, err := e.query.Eval(ctx, rego.EvalParsedInput(input), rego.EvalPrintHook(hook))
	if err != nil {
		if ctx.Err() != nil {
			return Result{}, nil, fmt.Errorf("evaluation stopped after %s (Options.Timeout, --timeout): %w", e.opts.Timeout, err)
		}
		return Result{}, nil, err
	}
	var bindings rego.Vars
	if len(rs) > 0 {
		bindings = rs[0].Bindings
	}
	exceptions := map[string]map[string]bool{} // namespace -> rule names waived
	for _, v := range e.results {
		if v.rule != "exception" {
			continue
		}
		for _, item := range asList(bindings[v.name]) {
			for _, name := range stringsIn(item) {
				if exceptions[v.namespace] == nil {
					exceptions[v.namespace] = map[string]bool{}
				}
				exceptions[v.namespace][name] = true
			}
		}
	}
	var res Result
	tally := map[string]*NamespaceResult{}
	reported := map[string]int{} // namespace -> results not waived by exceptions
	for _, v := range e.results {
		if v.rule == "exception" {
			continue
		}
		t := tally[v.namespace]
		if t == nil {
			t = &NamespaceResult{Namespace: v.namespace}
			tally[v.namespace] = t
			res.Namespaces = append(res.Namespaces, NamespaceResult{})
		}
		name := exceptionName(v.rule)
		excepted := exceptions[v.namespace][name]
		items := asList(bindings[v.name])
		switch {
		case excepted:
			t.Exceptions = append(t.Exceptions, fmt.Sprintf("data.%s.exception[_][_] == %q", v.namespace, name))
		case len(items) == 0:
			t.Successes++
		}
		for _, item := range items {
			f, err := v.finding(item)
			if err != nil {
				return Result{}, nil, err
			}
			if excepted {
				f.Waiver = &finding.Waiver{Reason: fmt.Sprintf("exception rule in package %s", v.namespace)}
			} else {
				reported[v.namespace]++
			}
			res.Findings = append(res.Findings, f)
		}
	}
	// conftest counts every definition of a rule, and the rules without
	// results once each: the definitions beyond those results are successes.
	i := 0
	for _, ns := range slices.Sorted(maps.Keys(tally)) {
		t := tally[ns]
		counted := t.Successes + len(t.Exceptions) + reported[ns]
		if d := e.definitions[ns] - counted; d > 0 {
			t.Successes += d
		}
		res.Namespaces[i] = *t
		i++
	}
	return res, hook.out, nil
}

// finding converts one rule result, a message or an object with msg.
func (v queryVar) finding(item any) (finding.Finding, error) {
	f := finding.Finding{Rule: v.meta.id, Severity: v.meta.severity}
	switch item := item.(type) {
	case string:
		f.Message = item
	case map[string]any:
		msg, ok := item["msg"].(string)
		if !ok {
			raw, _ := json.Marshal(item)
			return f, fmt.Errorf("rule data.%s.%s returned %s: want a string or an object with a string msg", v.namespace, v.rule, raw)
		}
		f.Message = msg
		for k, val := range item {
			switch k {
			case "msg":
			case "_field":
				f.Field, _ = val.(string)
			case "_loc":
				loc, _ := val.(map[string]any)
				file, _ := loc["file"].(string)
				row, _ := loc["line"].(json.Number)
				line, _ := row.Int64()
				f.Source = manifest.Origin{File: file, Line: int(line)}
			default:
				if f.Metadata == nil {
					f.Metadata = map[string]any{}
				}
				f.Metadata[k] = val
			}
		}
	default:
		raw, _ := json.Marshal(item)
		return f, fmt.Errorf("rule data.%s.%s returned %s: want a string or an object with a string msg", v.namespace, v.rule, raw)
	}
	if v.meta.title != "" {
		if f.Metadata == nil {
			f.Metadata = map[string]any{}
		}
		f.Metadata["title"] = v.meta.title
	}
	return f, nil
}

// locate ties a finding to the object and to the repository line to edit:
// the origin of the offending field where the renderer recorded one, else
// the field's line in the object's source file where src can read it, else
// the object's own.
func locate(f *finding.Finding, obj *manifest.Object, src *fieldline.Cache) {
	f.Object = obj.ID()
	if f.Source.File != "" {
		return // the policy said where (_loc)
	}
	f.Source = obj.Origin()
	src.Locate(obj, f)
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

// stringsIn returns the rule names of an exception result: a string or a
// list of strings.
func stringsIn(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		var out []string
		for _, e := range v {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return slices.Compact(out)
	}
	return nil
}

// exceptionName returns the name conftest exception rules use for a rule:
// "run_as_root" for deny_run_as_root, violation_run_as_root and
// warn_run_as_root, the rule itself otherwise.
func exceptionName(rule string) string {
	for _, prefix := range []string{"violation_", "deny_", "warn_"} {
		rule = strings.TrimPrefix(rule, prefix)
	}
	return rule
}
