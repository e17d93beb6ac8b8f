package promote

import (
	"github.com/ferrygitops/ferry/finding"
	"github.com/ferrygitops/ferry/manifest"
	"github.com/ferrygitops/ferry/render"
)

// Plan versions.
const (
	PlanAPIVersion = "ferry.dev/v1alpha1"
	PlanKind       = "Plan"
)

// Status is the verdict of a plan.
type Status string

// Verdicts.
const (
	// StatusReady: the edits promote every selected change and every check
	// passes; the plan can be applied.
	StatusReady Status = "ready"
	// StatusBlocked: a check failed; Verdict.Reasons say which.
	StatusBlocked Status = "blocked"
	// StatusNoop: the target already runs the source's versions.
	StatusNoop Status = "noop"
)

// Plan is a promotion, computed and verified before anything is written.
// It is versioned JSON (apiVersion ferry.dev/v1alpha1, kind Plan); a plan
// read back from JSON applies exactly as the one computed.
type Plan struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	// Source and Target are the environments promoted from and into.
	Source EnvironmentRef `json:"source"`
	Target EnvironmentRef `json:"target"`
	// Rollback says the request allowed downgrades.
	Rollback bool `json:"rollback,omitempty"`
	// AllUses says the request promoted every use of an artifact in the
	// target, not only those by the workloads the source runs it in.
	AllUses bool `json:"allUses,omitempty"`
	// Ranges says the request promoted version ranges.
	Ranges bool `json:"ranges,omitempty"`
	// Selection is the request's --only/--exclude.
	Selection Selection `json:"selection,omitzero"`
	// BlockOn are the baseline classes of the findings that block the plan:
	// new, and existing when the target environment or the request says so.
	BlockOn []finding.Baseline `json:"blockOn,omitempty"`
	// Changes compare every selected artifact of the two environments.
	Changes []Change `json:"changes"`
	// Files are the target files the plan edits, with their edits.
	Files []FileEdit `json:"files"`
	// Diff is a unified diff of the edited files.
	Diff string `json:"diff,omitempty"`
	// Rendered summarises how the rendered target changes.
	Rendered []ObjectChange `json:"rendered,omitempty"`
	// Findings are the results of every check run on the target as it
	// would be after the edits, and of the plan-level rules, each with its
	// Baseline: new (caused by the edits), existing (the target had it
	// before them) or fixed (the target had it before them only; listed,
	// never blocking). The plan's own findings are new.
	Findings []finding.Finding `json:"findings,omitempty"`
	// Verdict says whether the plan can be applied.
	Verdict Verdict `json:"verdict"`
	// Inputs are the files the plan read, with their SHA-256.
	Inputs []render.File `json:"inputs"`
}

// EnvironmentRef names an environment in a plan.
type EnvironmentRef struct {
	Name string `json:"name"`
	Path string `json:"path"`
}

// Verdict is a plan's outcome and why.
type Verdict struct {
	Status  Status   `json:"status"`
	Reasons []string `json:"reasons,omitempty"`
}

// FileEdit is one file the plan changes.
type FileEdit struct {
	// Path is relative to the repository root.
	Path string `json:"path"`
	// Before and After are the SHA-256 of the file before and after the
	// edits: Apply refuses a file that is neither. Before is empty for a
	// file the plan creates.
	Before string `json:"before"`
	After  string `json:"after"`
	// Edits are applied in order.
	Edits []Edit `json:"edits"`
}

// EditOp is what an edit does.
type EditOp string

// Edit operations.
const (
	// OpSet sets the scalar at Keys to New.
	OpSet EditOp = "set"
	// OpAppend appends Item to the sequence at Keys (creating it).
	OpAppend EditOp = "append"
	// OpInsert adds the key New names (Item's one pair) to the mapping at
	// Keys.
	OpInsert EditOp = "insert"
	// OpDelete removes the key that ends Keys from its mapping.
	OpDelete EditOp = "delete"
	// OpSetLine replaces the word Old with New on Line, a line of the
	// literal block scalar (|) at Keys: a patch written inline, such as a
	// Flux Kustomization's spec.patches entry.
	OpSetLine EditOp = "set-line"
	// OpCreate creates the file, which must not exist, with New as its
	// whole content: the one edit of a file whose Before is empty (a new
	// environment's folder, see [Planner.Clone]).
	OpCreate EditOp = "create"
)

// Edit is one change to one file.
type Edit struct {
	Op EditOp `json:"op"`
	// Doc is the index of the YAML document in the file; Keys the path to
	// the node, map keys and list indexes.
	Doc  int      `json:"doc,omitempty"`
	Keys []string `json:"keys"`
	// Line is the line of the node before the edit (of the new item after
	// it, for appends).
	Line int `json:"line"`
	// Old and New are the scalar's values, for sets.
	Old string `json:"old,omitempty"`
	New string `json:"new,omitempty"`
	// Item is the mapping appended or the key inserted, as ordered pairs.
	Item []KV `json:"item,omitempty"`
	// Encoding is "base64" when New is a created file's content that is
	// not UTF-8 text, base64-encoded.
	Encoding string `json:"encoding,omitempty"`
	// Reason says why the edit is there, in words.
	Reason string `json:"reason"`
}

// KV is one key and its value.
type KV struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// ObjectChange is how one rendered object of the target changes.
type ObjectChange struct {
	Object manifest.ID `json:"object"`
	// Change is "changed", "added" or "removed".
	Change string `json:"change"`
	// Fields are the JSON pointers of the changed values.
	Fields []string `json:"fields,omitempty"`
}
