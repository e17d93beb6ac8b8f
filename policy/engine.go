package policy

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"maps"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/storage"
	"github.com/open-policy-agent/opa/v1/storage/inmem"

	"github.com/ferrygitops/ferry/finding"
)

//go:embed rules
var builtinFS embed.FS

// builtinPrefix is the package path of the built-in rules.
const builtinPrefix = "ferry.rules."

// networkBuiltins are removed from OPA's capabilities unless
// Options.AllowNetwork is set: the builtins that reach outside the process.
// Every other builtin of OPA is pure or reads only the clock and a random
// source; opa.runtime() returns an empty object, as no runtime (with its
// environment variables) is given to the evaluator.
var networkBuiltins = []string{"http.send", "net.lookup_ip_addr"}

// ruleFamily matches the rules that produce findings, as conftest names them.
var ruleFamily = regexp.MustCompile(`^(deny|violation|warn)(_[a-zA-Z0-9_]+)?$`)

// Engine evaluates compiled policies. It is safe for concurrent use.
type Engine struct {
	opts    Options
	log     *slog.Logger
	store   storage.Store
	query   rego.PreparedEvalQuery
	results []queryVar // the query's variables, in order
	// definitions counts, per namespace, the definitions of rules that
	// produce findings (conftest's rule count).
	definitions map[string]int
}

// queryVar is one variable of the prepared query: the results of one rule.
type queryVar struct {
	name      string // variable in the query
	namespace string // package path without "data."
	rule      string // rule name
	meta      ruleMeta
}

// ruleMeta is what a rule's METADATA says, with defaults filled in.
type ruleMeta struct {
	id, title, description string
	severity               finding.Severity
	builtin                bool
}

// Load reads and compiles the policies and data that opts name, with the
// built-in rules unless left out, and prepares their evaluation.
func Load(ctx context.Context, opts Options) (*Engine, error) {
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	modules, err := loadModules(opts, false)
	if err != nil {
		return nil, err
	}
	compiler, data, err := prepare("load policies", opts, modules)
	if err != nil {
		return nil, err
	}
	if err := checkBooleanRules(modules); err != nil {
		return nil, err
	}

	vars, err := selectRules(compiler, modules, opts)
	if err != nil {
		return nil, err
	}
	e := &Engine{opts: opts, log: log, store: inmem.NewFromObject(data), results: vars, definitions: definitions(modules)}
	query := make([]string, len(vars))
	for i, v := range vars {
		query[i] = fmt.Sprintf("%s := [m | some m in data.%s.%s]", v.name, v.namespace, v.rule)
	}
	if len(query) == 0 {
		query = []string{"true"}
	}
	e.query, err = rego.New(
		rego.Compiler(compiler),
		rego.Store(e.store),
		rego.Query(strings.Join(query, "; ")),
		rego.EnablePrintStatements(true),
	).PrepareForEval(ctx)
	if err != nil {
		return nil, fmt.Errorf("load policies: prepare query: %w", err)
	}
	log.Debug("policies loaded", "modules", len(modules), "rules", len(vars))
	return e, nil
}

// loadModules parses the built-in rules and the user's policies; with
// tests, their _test.rego files too.
func loadModules(opts Options, tests bool) (map[string]*ast.Module, error) {
	modules := map[string]*ast.Module{}
	var diags []Diagnostic
	if !opts.NoBuiltins {
		known := map[string]bool{}
		for _, b := range Builtins() {
			known[b.ID] = true
		}
		for _, id := range opts.Builtins {
			if !known[id] {
				return nil, fmt.Errorf("load policies: unknown built-in rule %q: see ferry policy list", id)
			}
		}
		err := fs.WalkDir(builtinFS, "rules", func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !isRegoFile(p, tests) {
				return err
			}
			if !strings.HasPrefix(p, "rules/lib/") && len(opts.Builtins) > 0 && !slices.Contains(opts.Builtins, builtinID(strings.TrimSuffix(strings.TrimSuffix(p, ".rego"), "_test")+".rego")) {
				return nil
			}
			src, err := builtinFS.ReadFile(p)
			if err != nil {
				return err
			}
			m, err := ast.ParseModuleWithOpts("builtin:"+p, string(src), ast.ParserOptions{ProcessAnnotation: true, RegoVersion: ast.RegoV1})
			if err != nil {
				return fmt.Errorf("parse built-in rule %s: %w", p, err)
			}
			modules["builtin:"+p] = m
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("load policies: %w", err)
		}
	}
	version := ast.RegoV1
	if opts.RegoV0 {
		version = ast.RegoV0
	}
	for _, name := range slices.Sorted(maps.Keys(opts.Modules)) {
		m, err := ast.ParseModuleWithOpts(name, opts.Modules[name], ast.ParserOptions{ProcessAnnotation: true, RegoVersion: ast.RegoV1})
		if err != nil {
			diags = append(diags, diagnostics(err)...)
			continue
		}
		modules[name] = m
	}
	files, err := policyFiles(opts.Policies, tests)
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("load policies: %w", err)
		}
		name := filepath.ToSlash(f)
		m, err := ast.ParseModuleWithOpts(name, string(src), ast.ParserOptions{ProcessAnnotation: true, RegoVersion: version})
		if err != nil {
			diags = append(diags, diagnostics(err)...)
			continue
		}
		modules[name] = m
	}
	if len(diags) > 0 {
		return nil, &LoadError{Diagnostics: diags}
	}
	return modules, nil
}

// builtinID maps rules/no_latest_tag.rego to no-latest-tag.
func builtinID(p string) string {
	return strings.ReplaceAll(strings.TrimSuffix(path.Base(p), ".rego"), "_", "-")
}

func isPolicyFile(p string) bool { return isRegoFile(p, false) }

// isRegoFile reports Rego files, tests only when asked for.
func isRegoFile(p string, tests bool) bool {
	return strings.HasSuffix(p, ".rego") && (tests || !strings.HasSuffix(p, "_test.rego"))
}

// policyFiles expands files and directories into sorted Rego files.
func policyFiles(paths []string, tests bool) ([]string, error) {
	var files []string
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("load policies: %w", err)
		}
		if !info.IsDir() {
			files = append(files, p)
			continue
		}
		err = filepath.WalkDir(p, func(f string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && strings.HasPrefix(d.Name(), ".") && f != p {
				return filepath.SkipDir
			}
			if !d.IsDir() && isRegoFile(f, tests) {
				files = append(files, f)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("load policies: %w", err)
		}
	}
	slices.Sort(files)
	return slices.Compact(files), nil
}

// diagnostics turns OPA errors into ferry's.
func diagnostics(err error) []Diagnostic {
	var errs ast.Errors
	if !errors.As(err, &errs) {
		return []Diagnostic{{Code: "rego_error", Message: err.Error()}}
	}
	out := make([]Diagnostic, 0, len(errs))
	for _, e := range errs {
		d := Diagnostic{Code: e.Code, Message: e.Message}
		if e.Location != nil {
			d.File, d.Row = e.Location.File, e.Location.Row
		}
		out = append(out, d)
	}
	return out
}

// compileError explains refused network builtins on top of OPA's errors.
func compileError(errs ast.Errors, allowNetwork bool) error {
	diags := diagnostics(errs)
	for i, d := range diags {
		for _, b := range networkBuiltins {
			if !allowNetwork && strings.Contains(d.Message, "undefined function "+b) {
				diags[i].Code = "ferry_network_builtin"
				diags[i].Message = fmt.Sprintf("%s is disabled: ferry evaluates policies offline; remove the call, or allow network builtins (Options.AllowNetwork, --allow-network)", b)
			}
		}
	}
	return &LoadError{Diagnostics: diags}
}

// checkBooleanRules refuses `deny if { … }`: in Rego v1 that is a boolean
// rule, which conftest silently never reports. The fix is a set of messages.
func checkBooleanRules(modules map[string]*ast.Module) error {
	var diags []Diagnostic
	for _, name := range slices.Sorted(maps.Keys(modules)) {
		for _, r := range modules[name].Rules {
			rule := ruleName(r)
			if !ruleFamily.MatchString(rule) || r.Head.RuleKind() != ast.SingleValue {
				continue
			}
			if b, ok := r.Head.Value.Value.(ast.Boolean); ok && bool(b) {
				diags = append(diags, Diagnostic{
					File: r.Location.File, Row: r.Location.Row, Code: "ferry_boolean_rule",
					Message: fmt.Sprintf("%s is a boolean rule, so it never reports a message (conftest ignores it silently); write `%s contains msg if { …; msg := \"why\" }`", rule, rule),
				})
			}
		}
	}
	if len(diags) > 0 {
		return &LoadError{Diagnostics: diags}
	}
	return nil
}

// selectRules finds the rules to evaluate: every finding-producing and
// exception rule of the selected namespaces and of the built-in rules.
func selectRules(compiler *ast.Compiler, modules map[string]*ast.Module, opts Options) ([]queryVar, error) {
	patterns := opts.Namespaces
	if len(patterns) == 0 {
		patterns = []string{"main"}
	}
	type key struct{ ns, rule string }
	seen := map[key]bool{}
	var vars []queryVar
	userNamespaces := map[string]bool{}
	annotations := compiler.GetAnnotationSet()
	for _, name := range slices.Sorted(maps.Keys(modules)) {
		m := modules[name]
		ns := strings.TrimPrefix(m.Package.Path.String(), "data.")
		builtin := strings.HasPrefix(name, "builtin:")
		if !builtin {
			userNamespaces[ns] = true
		}
		if builtin && !strings.HasPrefix(ns, builtinPrefix) {
			continue // helper libraries
		}
		if !builtin && !opts.AllNamespaces && !matchAny(patterns, ns) {
			continue
		}
		for _, r := range m.Rules {
			rule := ruleName(r)
			if (!ruleFamily.MatchString(rule) && rule != "exception") || seen[key{ns, rule}] {
				continue
			}
			seen[key{ns, rule}] = true
			vars = append(vars, queryVar{namespace: ns, rule: rule, meta: metaOf(annotations, r, ns, rule, builtin)})
		}
	}
	if len(opts.Policies)+len(opts.Modules) > 0 && !opts.AllNamespaces {
		matched := false
		for ns := range userNamespaces {
			matched = matched || matchAny(patterns, ns)
		}
		if !matched {
			return nil, fmt.Errorf("load policies: no policy is in namespace %s (found %s): name the namespace with --namespace, or use --all-namespaces",
				strings.Join(patterns, ", "), strings.Join(slices.Sorted(maps.Keys(userNamespaces)), ", "))
		}
	}
	slices.SortStableFunc(vars, func(a, b queryVar) int {
		return strings.Compare(a.namespace+"."+a.rule, b.namespace+"."+b.rule)
	})
	for i := range vars {
		vars[i].name = fmt.Sprintf("r%d", i)
	}
	return vars, nil
}

// definitions counts the definitions of finding rules per namespace.
func definitions(modules map[string]*ast.Module) map[string]int {
	out := map[string]int{}
	for _, m := range modules {
		ns := strings.TrimPrefix(m.Package.Path.String(), "data.")
		for _, r := range m.Rules {
			if ruleFamily.MatchString(ruleName(r)) {
				out[ns]++
			}
		}
	}
	return out
}

// ruleName is the name of a rule: deny for deny contains msg if { … }.
func ruleName(r *ast.Rule) string {
	if len(r.Head.Reference) > 0 {
		return r.Head.Reference[0].String()
	}
	return r.Head.Name.String()
}

// metaOf reads a rule's METADATA (rule, document or package scope) and
// fills in defaults: the id is the built-in rule's id or <namespace>.<rule>,
// the severity error for deny and violation and warning for warn.
func metaOf(as *ast.AnnotationSet, r *ast.Rule, ns, rule string, builtin bool) ruleMeta {
	meta := ruleMeta{id: ns + "." + rule, builtin: builtin}
	if strings.HasPrefix(rule, "warn") {
		meta.severity = finding.SeverityWarning
	}
	if as == nil {
		return meta
	}
	idSet, sevSet := false, false
	for _, ref := range as.Chain(r) {
		a := ref.Annotations
		if a == nil {
			continue
		}
		if meta.title == "" {
			meta.title = a.Title
		}
		if meta.description == "" {
			meta.description = strings.TrimSpace(a.Description)
		}
		if id, ok := a.Custom["id"].(string); ok && id != "" && !idSet {
			meta.id, idSet = id, true
		}
		if s, ok := a.Custom["severity"].(string); ok && !sevSet {
			if sev, err := finding.ParseSeverity(s); err == nil {
				meta.severity, sevSet = sev, true
			}
		}
	}
	return meta
}

func matchAny(patterns []string, ns string) bool {
	for _, p := range patterns {
		if ok, _ := path.Match(p, ns); ok {
			return true
		}
	}
	return false
}

// Rule returns the package and the rule name behind a finding's rule id:
// ("main", "deny") for main.deny, ("ferry.rules.semver_tag", "deny") for
// semver-tag. Findings about waivers belong to ("ferry.waivers", "waiver").
func (e *Engine) Rule(id string) (namespace, rule string) {
	for _, v := range e.results {
		if v.meta.id == id {
			return v.namespace, v.rule
		}
	}
	if id == waiverRule {
		return "ferry.waivers", waiverRule
	}
	if i := strings.LastIndex(id, "."); i >= 0 {
		return id[:i], id[i+1:]
	}
	return "", id
}

// prepare compiles modules with the capabilities opts allow and loads the
// data opts name, with ferry's parameters under data.ferry.params; op
// prefixes its own errors.
func prepare(op string, opts Options, modules map[string]*ast.Module) (*ast.Compiler, map[string]any, error) {
	compiler := ast.NewCompiler().
		WithCapabilities(capabilities(opts.AllowNetwork)).
		WithEnablePrintStatements(true)
	if compiler.Compile(modules); compiler.Failed() {
		return nil, nil, compileError(compiler.Errors, opts.AllowNetwork)
	}
	data, err := loadData(opts.Data)
	if err != nil {
		return nil, nil, err
	}
	params, err := toJSONValue(opts.Params)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: parameters: %w", op, err)
	}
	if _, taken := data["ferry"]; taken {
		return nil, nil, fmt.Errorf("%s: data files must not set the top-level key ferry: ferry keeps it for its parameters", op)
	}
	data["ferry"] = map[string]any{"params": params}
	return compiler, data, nil
}

// Rules returns the ids of the rules that produce findings (deny, warn and
// violation rules, not exceptions), sorted and without repeats: the checks
// the engine runs on every object, for reports that list what passed as
// well as what failed.
func (e *Engine) Rules() []string {
	var ids []string
	for _, v := range e.results {
		if v.rule != "exception" {
			ids = append(ids, v.meta.id)
		}
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}
