package validate

import (
	"cmp"
	"slices"
)

// EmbeddedSchemas describes the schemas compiled into the package.
type EmbeddedSchemas struct {
	// Kubernetes are the Kubernetes minor versions whose built-in kinds are
	// embedded, oldest first.
	Kubernetes []KubernetesSchemas `json:"kubernetes"`
	// Toolchain are the custom resource kinds of the GitOps toolchain whose
	// CRDs are embedded, sorted by group and kind.
	Toolchain []ToolchainSchemas `json:"toolchain"`
}

// KubernetesSchemas is one embedded Kubernetes minor version.
type KubernetesSchemas struct {
	// Version is the minor version, such as "1.33".
	Version string `json:"version"`
	// Source is the module its schemas were read from, such as
	// "k8s.io/kubernetes@v1.33.13".
	Source string `json:"source"`
}

// ToolchainSchemas is one embedded custom resource kind.
type ToolchainSchemas struct {
	// Group and Kind name the custom resource, such as
	// "helm.toolkit.fluxcd.io" and "HelmRelease".
	Group string `json:"group"`
	Kind  string `json:"kind"`
	// Versions are the versions its CRD serves, as the CRD lists them.
	Versions []string `json:"versions"`
	// Deprecated are the served versions the CRD marks deprecated.
	Deprecated []string `json:"deprecated,omitempty"`
	// Project is the project that ships the CRD, such as
	// "Flux helm-controller".
	Project string `json:"project"`
	// Module and ModuleVersion are the Go module and version the CRD was
	// read from.
	Module        string `json:"module"`
	ModuleVersion string `json:"moduleVersion"`
}

// Embedded lists the embedded schemas, in a deterministic order. It fails
// only when the embedded bundles cannot be read, which a test of this
// package rules out.
func Embedded() (EmbeddedSchemas, error) {
	var out EmbeddedSchemas
	b, err := embeddedBundle()
	if err != nil {
		return out, err
	}
	for _, m := range b.minors {
		out.Kubernetes = append(out.Kubernetes, KubernetesSchemas{Version: m, Source: b.Versions[m].Source})
	}
	tc, err := embeddedToolchain()
	if err != nil {
		return out, err
	}
	for _, c := range tc.CRDs {
		s := ToolchainSchemas{Group: c.group, Kind: c.kind, Project: c.src.Project, Module: c.src.Module, ModuleVersion: c.src.Version}
		for _, v := range c.versions {
			s.Versions = append(s.Versions, v.Name)
			if v.Deprecated {
				s.Deprecated = append(s.Deprecated, v.Name)
			}
		}
		out.Toolchain = append(out.Toolchain, s)
	}
	slices.SortFunc(out.Toolchain, func(x, y ToolchainSchemas) int {
		return cmp.Or(cmp.Compare(x.Group, y.Group), cmp.Compare(x.Kind, y.Kind))
	})
	return out, nil
}
