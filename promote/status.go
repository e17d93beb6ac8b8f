package promote

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/ferrygitops/ferry/finding"
	"github.com/ferrygitops/ferry/internal/memofs"
)

// Matrix is the version matrix of a repository: every artifact against
// every environment.
type Matrix struct {
	// Environments are the columns, in configuration order.
	Environments []EnvironmentRef `json:"environments"`
	// Rows are the artifacts, sorted by kind and name.
	Rows []MatrixRow `json:"rows"`
	// Unknown are what the matrix cannot show: a finding for each Flux
	// Kustomization of an environment that ferry did not render (see
	// [RuleUnrendered]), whose versions are missing from the rows.
	Unknown []finding.Finding `json:"unknown,omitempty"`
}

// MatrixRow is one artifact across the environments.
type MatrixRow struct {
	Kind     ArtifactKind `json:"kind"`
	Artifact string       `json:"artifact"`
	// Cells are in the order of Matrix.Environments.
	Cells []Cell `json:"cells"`
}

// Cell is the version an environment pins.
type Cell struct {
	// Version is the version pinned, "" when the environment does not use
	// the artifact; several versions are joined by ", ".
	Version string `json:"version,omitempty"`
	// Behind is set when the environment pins another version than the one
	// it is promoted from: a promotion is pending.
	Behind bool `json:"behind,omitempty"`
}

// Status renders every environment and returns its version matrix.
func (p *Planner) Status(ctx context.Context) (*Matrix, error) {
	envs := p.cfg.Environments
	if len(envs) == 0 {
		return nil, fmt.Errorf("status: no environments: add a %s, or use overlays/<env>, envs/<env>, env/<env>, environments/<env>, deploy/overlays/<env> or clusters/<env>", ConfigFile)
	}
	m := &Matrix{}
	versions := make([]map[string]string, len(envs)) // per env: kind+name -> versions
	rows := map[string]MatrixRow{}
	// Versions only: no origins needed. One snapshot of the repository for
	// all environments: files they share are read once.
	r, err := p.newRenderer(memofs.New(p.fsys), nil, true, PhaseRender)
	if err != nil {
		return nil, err
	}
	for i, e := range envs {
		m.Environments = append(m.Environments, EnvironmentRef{Name: e.Name, Path: e.Path})
		res, err := r.Render(ctx, e.Path)
		if err != nil {
			return nil, fmt.Errorf("status: %w", err)
		}
		m.Unknown = append(m.Unknown, unrendered(e, res, p.now())...)
		versions[i] = map[string]string{}
		for _, a := range Artifacts(res.Objects) {
			key := string(a.Kind) + " " + a.Name
			vs := a.Versions()
			s := make([]string, len(vs))
			for j, v := range vs {
				s[j] = v.String()
			}
			versions[i][key] = strings.Join(s, ", ")
			rows[key] = MatrixRow{Kind: a.Kind, Artifact: a.Name}
		}
	}
	index := map[string]int{}
	for i, e := range envs {
		index[e.Name] = i
	}
	keys := make([]string, 0, len(rows))
	for k := range rows {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		row := rows[k]
		for i, e := range envs {
			c := Cell{Version: versions[i][k]}
			if from, ok := index[e.From]; ok && e.From != "" && versions[from][k] != "" && versions[from][k] != c.Version {
				c.Behind = true
			}
			row.Cells = append(row.Cells, c)
		}
		m.Rows = append(m.Rows, row)
	}
	return m, nil
}
