package render

import (
	"encoding/json"
	"strings"
	"time"
	"unicode/utf8"

	kyaml "sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/ferrygitops/ferry/manifest"
)

// objectOf turns a built resource into an object with the content
// manifest.FromJSON would give for the resource's JSON encoding (kyaml's
// MarshalJSON), without the detour: MarshalJSON encodes the node as YAML,
// parses that text back, encodes the result as JSON, and FromJSON decodes
// it again. Decoding the node directly and converting each value as the
// JSON round trip would is about a twelfth of a plan's CPU time less.
// Values the conversion does not know take the detour, and so do nodes
// whose text the YAML encoder does not write back faithfully (see
// [emitterChanges]): kustomize-controller and Argo CD apply what kustomize
// prints, so the value ferry checks must be the one read back from that text,
// not the one the repository's file spells.
func objectOf(rn *kyaml.RNode, origin manifest.Origin) (*manifest.Object, error) {
	if !emitterChanges(rn.YNode()) {
		var v any
		if err := rn.YNode().Decode(&v); err == nil {
			if m, ok := v.(map[string]any); ok && jsonCompatible(m) {
				return manifest.New(m, origin)
			}
		}
	}
	js, err := rn.MarshalJSON()
	if err != nil {
		return nil, err
	}
	return manifest.FromJSON(js, origin)
}

// jsonCompatible converts, in place, the values YAML decoding produced into
// those a JSON round trip (encoding/json, then manifest.FromJSON) produces:
// integers as int64, other numbers as float64, times as RFC 3339 strings.
// It reports false, leaving v partly converted, on anything else: a map with
// non-string keys, a string that is not UTF-8 (JSON would replace bytes), a
// number JSON cannot encode.
func jsonCompatible(v any) bool {
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			c, ok := jsonValue(e)
			if !ok || !utf8.ValidString(k) {
				return false
			}
			v[k] = c
		}
		return true
	case []any:
		for i, e := range v {
			c, ok := jsonValue(e)
			if !ok {
				return false
			}
			v[i] = c
		}
		return true
	}
	return false
}

func jsonValue(v any) (any, bool) {
	switch v := v.(type) {
	case nil, bool:
		return v, true
	case string:
		return v, utf8.ValidString(v)
	case int:
		return int64(v), true
	case int64:
		return v, true
	case uint64, float64:
		// Exactly as encoding/json writes the number (the shortest
		// decimal that reads back the same float) and FromJSON reads it:
		// int64 when the text is an integer that fits, else float64.
		js, err := json.Marshal(v)
		if err != nil {
			return nil, false // NaN, ±Inf
		}
		n := json.Number(js)
		if i, err := n.Int64(); err == nil {
			return i, true
		}
		f, err := n.Float64()
		return f, err == nil
	case time.Time:
		var out string
		js, err := json.Marshal(v) // RFC 3339; errors where JSON cannot hold the time
		if err != nil || json.Unmarshal(js, &out) != nil {
			return nil, false
		}
		return out, true
	case map[string]any, []any:
		return v, jsonCompatible(v)
	}
	return nil, false
}

// emitterChanges reports whether n holds a block scalar (literal "|" or
// folded ">"), a multi-line string (which the encoder may write as a
// block scalar whatever its style) or an empty null (which it may write as a
// quoted empty string), whose text the YAML encoder (go-yaml v3, which kyaml and so
// kustomize use) does not always write back as the same value: it writes a
// more-indented line of a folded scalar after an extra empty line, so
// "a\n  b" prints as text that reads back as "a\n\n  b", and a literal
// scalar whose first line starts with a tab as text that does not parse.
// kustomize build prints that text, and it is what the cluster gets, so such
// objects take the detour through the encoder.
// TestObjectOfMatchesTheRoundTripForEveryScalarStyle and FuzzObjectOf prove
// the direct conversion equal for every other style.
func emitterChanges(n *kyaml.Node) bool {
	if n == nil {
		return false
	}
	if n.Kind == kyaml.ScalarNode && (n.Style&(kyaml.LiteralStyle|kyaml.FoldedStyle) != 0 || strings.Contains(n.Value, "\n") || (n.Value == "" && n.Tag == "!!null")) {
		return true
	}
	for _, c := range n.Content {
		if emitterChanges(c) {
			return true
		}
	}
	return false
}
