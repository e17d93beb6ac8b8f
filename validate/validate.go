package validate

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/sync/errgroup"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/ferrygitops/ferry/finding"
	"github.com/ferrygitops/ferry/internal/fieldline"
	"github.com/ferrygitops/ferry/manifest"
)

// batchSize is the number of objects one goroutine of Validate checks in a
// row.
const batchSize = 16

// Validate checks objs, which form one environment (duplicate IDs are
// reported across them, as [Options].Duplicates says), and returns the findings sorted with
// [finding.Sort]. CustomResourceDefinitions among objs give schemas to the
// custom resources among them. Objects are checked in parallel; the call
// returns when all are done. It returns an error, and no findings, when the
// context ends or a schema location cannot be read.
func (v *Validator) Validate(ctx context.Context, objs []*manifest.Object) ([]finding.Finding, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	input, failed := v.inputCRDs(objs)
	src := fieldline.New(v.opts.Sources)
	results := make([][]finding.Finding, len(objs))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(v.opts.Concurrency)
	// Objects go out in small batches: one goroutine per object would grow
	// a fresh stack for the schema validator's recursion every time.
	for start := 0; start < len(objs); start += batchSize {
		end := min(start+batchSize, len(objs))
		g.Go(func() error {
			for i := start; i < end; i++ {
				if err := gctx.Err(); err != nil {
					return err
				}
				obj := objs[i]
				fs, err := v.check(obj, input, failed[obj])
				if err != nil {
					return fmt.Errorf("validate %s: %w", obj.ID(), err)
				}
				for j := range fs {
					src.Locate(obj, &fs[j])
				}
				results[i] = fs
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	out := duplicateFindings(objs, v.opts.Duplicates)
	for _, fs := range results {
		out = append(out, fs...)
	}
	finding.Sort(out)
	return out, nil
}

// inputCRDs converts the CRDs among objs; CRDs that cannot be converted are
// returned apart, each with its error, to be reported on the CRD.
func (v *Validator) inputCRDs(objs []*manifest.Object) (*crdSet, map[*manifest.Object]error) {
	set := emptyCRDSet()
	failed := map[*manifest.Object]error{}
	for _, obj := range objs {
		if !isCRD(obj) {
			continue
		}
		schemas, err := v.crdSchemas(obj)
		if err != nil {
			failed[obj] = err
			continue
		}
		set.add(obj, schemas)
	}
	return set, failed
}

// check runs every check on one object.
func (v *Validator) check(obj *manifest.Object, input *crdSet, crdErr error) ([]finding.Finding, error) {
	if matches(v.skip, obj) {
		return nil, nil
	}
	if matches(v.reject, obj) {
		return []finding.Finding{{
			Rule: "rejected-kind", Severity: finding.SeverityError, Object: obj.ID(), Field: "/kind", Source: obj.Origin(),
			Message: fmt.Sprintf("kind %s (%s) is not allowed here", obj.Kind(), obj.APIVersion()),
		}}, nil
	}
	var out []finding.Finding
	add := func(rule, field, msg string) {
		out = append(out, finding.Finding{Rule: rule, Severity: finding.SeverityError, Message: msg, Object: obj.ID(), Field: field, Source: obj.Origin()})
	}
	st := v.apis.status(obj)
	if st.finding != nil {
		out = append(out, *st.finding)
	}
	if !st.removed {
		schema, crd, found, err := v.schemaFor(obj, input)
		var crdUse *crdUseError
		switch {
		case errors.As(err, &crdUse):
			add("missing-schema", "", err.Error())
		case err != nil:
			return nil, err
		case !found:
			if c := v.toolchainRemoved(obj, input); c != nil {
				out = append(out, toolchainRemovedFinding(obj, c))
			} else if !v.opts.IgnoreMissingSchemas {
				add("missing-schema", "", v.missingMessage(obj, st.notYet))
			}
		default:
			if crd != nil && crd.deprecated {
				out = append(out, crdDeprecatedFinding(obj, crd))
			}
			if err := schema.Validate(obj.Content()); err != nil {
				out = append(out, schemaFindings(obj, err)...)
			}
		}
	}
	if crdErr != nil {
		add("invalid-crd", "/spec", crdErr.Error())
	}
	for _, s := range input.byCRD[obj] {
		if _, err := s.schema(); err != nil {
			add("invalid-crd", "/spec", err.Error())
		}
	}
	return append(out, metaFindings(obj)...), nil
}

// crdUseError reports a custom resource whose CRD schema does not compile.
type crdUseError struct{ err error }

func (e *crdUseError) Error() string { return "cannot check against " + e.err.Error() }
func (e *crdUseError) Unwrap() error { return e.err }

// schemaFor finds the schema of obj: from a CRD among the input, from
// Options.CRDs, embedded for the built-in kinds, from a schema location, or
// from the embedded CRDs of the GitOps toolchain, in that order. It reports
// whether there is one and, when a CRD gives it, returns that CRD's schema
// too.
func (v *Validator) schemaFor(obj *manifest.Object, input *crdSet) (*jsonschema.Schema, *crdSchema, bool, error) {
	key := obj.APIVersion() + "/" + obj.Kind()
	for _, set := range []*crdSet{input, v.crds} {
		if s, ok := set.byKey[key]; ok {
			compiled, err := s.schema()
			if err != nil {
				return nil, nil, false, &crdUseError{err}
			}
			return compiled, s, true, nil
		}
	}
	if def, ok := v.apis.kinds[key]; ok {
		s, err := v.builtinSchema(def)
		return s, nil, err == nil, err
	}
	located, found, err := v.locatedSchema(obj.APIVersion(), obj.Kind())
	if found || err != nil {
		return located, nil, found, err
	}
	s, err := v.toolchainSchema(obj, input)
	if err != nil || s == nil {
		return nil, nil, false, err
	}
	compiled, err := s.schema()
	if err != nil {
		return nil, nil, false, err
	}
	return compiled, s, true, nil
}

func (v *Validator) missingMessage(obj *manifest.Object, firstServed string) string {
	if firstServed != "" {
		return fmt.Sprintf("%s %s is not served by Kubernetes %s: it is served from %s on", obj.APIVersion(), obj.Kind(), v.version, firstServed)
	}
	return fmt.Sprintf("no schema for %s %s in Kubernetes %s: provide the CustomResourceDefinition that defines it, or a schema location", obj.APIVersion(), obj.Kind(), v.version)
}

// schemaFindings turns a schema validation error into findings, one per
// failed keyword at the deepest place it is known, with messages as
// kubeconform prints them, except that unknown fields are named one by one
// and null is not offered as an alternative type.
func schemaFindings(obj *manifest.Object, err error) []finding.Finding {
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return []finding.Finding{{Rule: "schema", Severity: finding.SeverityError, Message: err.Error(), Object: obj.ID(), Source: obj.Origin()}}
	}
	p := message.NewPrinter(language.English)
	var out []finding.Finding
	emit := func(loc []string, msg string) {
		out = append(out, finding.Finding{Rule: "schema", Severity: finding.SeverityError, Message: msg, Object: obj.ID(), Field: manifest.Pointer(loc...), Source: obj.Origin()})
	}
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		switch k := e.ErrorKind.(type) {
		case *kind.Schema, *kind.Group, *kind.Reference, *kind.AllOf:
			for _, c := range e.Causes {
				walk(c)
			}
		case *kind.AdditionalProperties:
			for _, prop := range k.Properties {
				emit(append(slices.Clip(e.InstanceLocation), prop), fmt.Sprintf("unknown field %q", prop))
			}
		default:
			msg := kindMessage(e, p)
			if len(e.Causes) > 0 {
				var why []string
				for _, c := range e.Causes {
					why = append(why, leafMessages(c, p)...)
				}
				msg += ": " + strings.Join(slices.Compact(why), "; ")
			}
			emit(e.InstanceLocation, msg)
		}
	}
	walk(ve)
	return out
}

// leafMessages returns the messages of the innermost errors below e.
func leafMessages(e *jsonschema.ValidationError, p *message.Printer) []string {
	if len(e.Causes) == 0 {
		msg := kindMessage(e, p)
		if loc := manifest.Pointer(e.InstanceLocation...); loc != "" {
			msg = loc + ": " + msg
		}
		return []string{msg}
	}
	var out []string
	for _, c := range e.Causes {
		out = append(out, leafMessages(c, p)...)
	}
	return out
}

// quantityPattern is the pattern internal/k8sschemagen gives Quantity
// strings; its failures get a message of their own.
const quantityPattern = `^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)(([KMGTPE]i)|[numkMGTPE]|([eE][+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)))?$`

func kindMessage(e *jsonschema.ValidationError, p *message.Printer) string {
	switch k := e.ErrorKind.(type) {
	case *kind.Type:
		want := slices.DeleteFunc(slices.Clone(k.Want), func(s string) bool { return s == "null" })
		if len(want) > 0 {
			return fmt.Sprintf("got %s, want %s", k.Got, strings.Join(want, " or "))
		}
	case *kind.Enum:
		want := slices.DeleteFunc(slices.Clone(k.Want), func(v any) bool { return v == nil })
		if len(want) < len(k.Want) {
			return (&kind.Enum{Got: k.Got, Want: want}).LocalizedString(p)
		}
	case *kind.Pattern:
		if k.Want == quantityPattern {
			return fmt.Sprintf("'%s' is not a quantity: want a number with an optional suffix, such as 250m, 1.5, 128Mi or 2G", k.Got)
		}
	}
	return e.ErrorKind.LocalizedString(p)
}
