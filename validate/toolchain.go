package validate

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/json"
	"fmt"
	"strings"
	"sync"

	"k8s.io/apimachinery/pkg/version"

	"github.com/ferrygitops/ferry/finding"
	"github.com/ferrygitops/ferry/manifest"
)

// toolchainData is the bundle of the GitOps toolchain's CRDs written by
// internal/crdschemagen; see schemas/README.md.
//
//go:embed schemas/toolchain.json.gz
var toolchainData []byte

// toolchainFormat is the toolchain bundle format this package reads.
const toolchainFormat = 1

// toolchainBundle is the decoded toolchain bundle: the modules the CRDs
// come from and the CRDs, each decoded into an object on first use.
type toolchainBundle struct {
	Format  int               `json:"format"`
	Sources []toolchainSource `json:"sources"`
	CRDs    []*toolchainCRD   `json:"crds"`

	byKey       map[string]*toolchainCRD // served apiVersion/kind
	byGroupKind map[string]*toolchainCRD // group/kind
}

// toolchainSource is a module the embedded CRDs were read from.
type toolchainSource struct {
	Project string `json:"project"`
	Module  string `json:"module"`
	Version string `json:"version"`
}

// toolchainCRD is one embedded CRD.
type toolchainCRD struct {
	Source int             `json:"source"`
	File   string          `json:"file"`
	Raw    json.RawMessage `json:"crd"`

	src      *toolchainSource
	group    string
	kind     string
	versions []crdVersionInfo // served versions, as listed

	once sync.Once
	obj  *manifest.Object
	err  error
}

// crdVersionInfo is what a CRD says about one of its versions.
type crdVersionInfo struct {
	Name               string `json:"name"`
	Served             *bool  `json:"served"`
	Storage            bool   `json:"storage"`
	Deprecated         bool   `json:"deprecated"`
	DeprecationWarning string `json:"deprecationWarning"`
}

// object decodes the CRD once per process; the result is read-only.
func (c *toolchainCRD) object() (*manifest.Object, error) {
	c.once.Do(func() {
		c.obj, c.err = manifest.FromJSON(c.Raw, manifest.Origin{File: c.src.Module + "@" + c.src.Version + "/" + c.File})
		if c.err != nil {
			c.err = fmt.Errorf("embedded CustomResourceDefinition %s: %w", c.File, c.err)
		}
	})
	return c.obj, c.err
}

// embeddedToolchain decodes the index of the toolchain bundle once per
// process. The result is read-only.
var embeddedToolchain = sync.OnceValues(func() (*toolchainBundle, error) {
	return decodeToolchain(toolchainData)
})

func decodeToolchain(data []byte) (*toolchainBundle, error) {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("validate: read embedded toolchain schemas: %w", err)
	}
	var b toolchainBundle
	if err := json.NewDecoder(zr).Decode(&b); err != nil {
		return nil, fmt.Errorf("validate: read embedded toolchain schemas: %w", err)
	}
	if b.Format != toolchainFormat {
		return nil, fmt.Errorf("validate: embedded toolchain schemas have format %d, want %d", b.Format, toolchainFormat)
	}
	b.byKey = map[string]*toolchainCRD{}
	b.byGroupKind = map[string]*toolchainCRD{}
	for _, c := range b.CRDs {
		if c.Source < 0 || c.Source >= len(b.Sources) {
			return nil, fmt.Errorf("validate: embedded toolchain schemas: %s has no source", c.File)
		}
		c.src = &b.Sources[c.Source]
		var head struct {
			Spec struct {
				Group string `json:"group"`
				Names struct {
					Kind string `json:"kind"`
				} `json:"names"`
				Version  string           `json:"version"`
				Versions []crdVersionInfo `json:"versions"`
			} `json:"spec"`
		}
		if err := json.Unmarshal(c.Raw, &head); err != nil {
			return nil, fmt.Errorf("validate: embedded toolchain schemas: %s: %w", c.File, err)
		}
		c.group, c.kind = head.Spec.Group, head.Spec.Names.Kind
		versions := head.Spec.Versions
		if len(versions) == 0 && head.Spec.Version != "" {
			versions = []crdVersionInfo{{Name: head.Spec.Version, Storage: true}}
		}
		for _, v := range versions {
			if v.Served != nil && !*v.Served {
				continue
			}
			c.versions = append(c.versions, v)
			b.byKey[c.group+"/"+v.Name+"/"+c.kind] = c
		}
		b.byGroupKind[c.group+"/"+c.kind] = c
	}
	return &b, nil
}

// toolchainSchema returns the schema the embedded CRDs give obj's
// apiVersion/kind, converted for this validator on first use; nil when no
// embedded CRD serves it, and when a CRD of the input or of Options.CRDs
// defines the kind (that CRD says which versions the cluster serves).
func (v *Validator) toolchainSchema(obj *manifest.Object, input *crdSet) (*crdSchema, error) {
	gk := obj.ID().Group + "/" + obj.Kind()
	if v.opts.NoToolchainSchemas || input.groupKinds[gk] || v.crds.groupKinds[gk] {
		return nil, nil
	}
	key := obj.APIVersion() + "/" + obj.Kind()
	b, err := embeddedToolchain()
	if err != nil {
		return nil, err
	}
	c, ok := b.byKey[key]
	if !ok {
		return nil, nil
	}
	v.tcMu.Lock()
	defer v.tcMu.Unlock()
	if v.toolchain == nil {
		v.toolchain = map[string]*crdSchema{}
	}
	if s, ok := v.toolchain[key]; ok {
		return s, nil
	}
	crd, err := c.object()
	if err != nil {
		return nil, err
	}
	schemas, err := v.crdSchemas(crd)
	if err != nil {
		return nil, err
	}
	for _, s := range schemas {
		s.embedded = c.src
		v.toolchain[s.apiVersion+"/"+s.kind] = s
	}
	return v.toolchain[key], nil
}

// toolchainRemoved returns the embedded CRD of obj's group and kind when
// that CRD does not serve obj's apiVersion, and no CRD of the input or of
// Options.CRDs defines the kind: the apiVersion is then one the project
// no longer serves.
func (v *Validator) toolchainRemoved(obj *manifest.Object, input *crdSet) *toolchainCRD {
	gk := obj.ID().Group + "/" + obj.Kind()
	if v.opts.NoToolchainSchemas || input.groupKinds[gk] || v.crds.groupKinds[gk] {
		return nil
	}
	b, err := embeddedToolchain()
	if err != nil {
		return nil
	}
	c := b.byGroupKind[gk]
	if c == nil || b.byKey[obj.APIVersion()+"/"+obj.Kind()] != nil {
		return nil
	}
	return c
}

// preferred returns the version of the CRD to use: its storage version when
// that is not deprecated, else the most stable version that is not, else
// the most stable one.
func (c *toolchainCRD) preferred() string {
	best, bestDeprecated := "", true
	for _, v := range c.versions {
		if v.Storage && !v.Deprecated {
			return v.Name
		}
		better := best == "" || (bestDeprecated && !v.Deprecated) ||
			(bestDeprecated == v.Deprecated && version.CompareKubeAwareVersionStrings(v.Name, best) > 0)
		if better {
			best, bestDeprecated = v.Name, v.Deprecated
		}
	}
	return best
}

// toolchainRemovedFinding reports an apiVersion of an embedded toolchain
// kind that the embedded release of its project no longer serves.
func toolchainRemovedFinding(obj *manifest.Object, c *toolchainCRD) finding.Finding {
	replacement := ""
	if p := c.preferred(); p != "" {
		replacement = c.group + "/" + p
	}
	msg := fmt.Sprintf("%s %s is not served by %s %s", obj.APIVersion(), obj.Kind(), c.src.Project, c.src.Version)
	msg += replacementText(replacement, "", "", "provide the CustomResourceDefinition of the release you run")
	meta := map[string]any{"project": c.src.Project, "projectVersion": c.src.Version, "module": c.src.Module}
	if replacement != "" {
		meta["replacement"] = replacement
	}
	return finding.Finding{
		Rule: "removed-api", Severity: finding.SeverityError, Message: msg,
		Object: obj.ID(), Field: "/apiVersion", Source: obj.Origin(), Metadata: meta,
	}
}

// crdDeprecatedFinding reports an object whose apiVersion its CRD marks
// deprecated, with the CRD's deprecationWarning and the version to use.
func crdDeprecatedFinding(obj *manifest.Object, s *crdSchema) finding.Finding {
	by := "its CustomResourceDefinition " + s.crd.Name()
	meta := map[string]any{}
	if s.embedded != nil {
		by = s.embedded.Project + " " + s.embedded.Version
		meta["project"], meta["projectVersion"], meta["module"] = s.embedded.Project, s.embedded.Version, s.embedded.Module
	}
	msg := fmt.Sprintf("%s %s is deprecated by %s", obj.APIVersion(), obj.Kind(), by)
	if s.warning != "" {
		msg += " (" + strings.TrimSuffix(s.warning, ".") + ")"
	}
	if s.replacement != "" {
		msg += ": use " + s.replacement
		meta["replacement"] = s.replacement
	}
	if s.warning != "" {
		meta["deprecationWarning"] = s.warning
	}
	return finding.Finding{
		Rule: "deprecated-api", Severity: finding.SeverityWarning, Message: msg,
		Object: obj.ID(), Field: "/apiVersion", Source: obj.Origin(), Metadata: meta,
	}
}
