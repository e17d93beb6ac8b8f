// Package integrations_test checks the CI integrations in this folder and
// the release files at the repository root, which cannot run here: their
// structure, and that they run ferry as its commands expect. .ci/run also
// lints the GitHub workflows with actionlint.
package integrations_test

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

func readYAML(t *testing.T, file string, v any) string {
	t.Helper()
	data, err := os.ReadFile(file)
	require.NoError(t, err)
	require.NoError(t, yaml.Unmarshal(data, v), file)
	return string(data)
}

// references returns the names used as prefix.NAME in s (inputs.args,
// parameters.command), sorted and unique.
func references(s, prefix string) []string {
	var names []string
	for _, m := range regexp.MustCompile(regexp.QuoteMeta(prefix)+`\.([A-Za-z][A-Za-z0-9_-]*)`).FindAllStringSubmatch(s, -1) {
		names = append(names, m[1])
	}
	slices.Sort(names)
	return slices.Compact(names)
}

type step struct {
	ID    string            `yaml:"id"`
	Name  string            `yaml:"name"`
	Uses  string            `yaml:"uses"`
	Run   string            `yaml:"run"`
	Shell string            `yaml:"shell"`
	With  map[string]string `yaml:"with"`
	Env   map[string]string `yaml:"env"`
	If    string            `yaml:"if"`
}

// TestGitHubAction: the composite action declares what it uses, gives every
// run step a shell (composite actions require one), installs ferry with Go,
// reports with -o github and SARIF, and keeps one comment by a hidden
// marker.
func TestGitHubAction(t *testing.T) {
	var action struct {
		Name        string `yaml:"name"`
		Description string `yaml:"description"`
		Inputs      map[string]struct {
			Description string  `yaml:"description"`
			Default     *string `yaml:"default"`
		} `yaml:"inputs"`
		Outputs map[string]struct {
			Value string `yaml:"value"`
		} `yaml:"outputs"`
		Runs struct {
			Using string `yaml:"using"`
			Steps []step `yaml:"steps"`
		} `yaml:"runs"`
	}
	text := readYAML(t, filepath.Join("github", "action.yml"), &action)
	assert.NotEmpty(t, action.Name)
	assert.NotEmpty(t, action.Description)
	require.Equal(t, "composite", action.Runs.Using)

	var declared []string
	for name, in := range action.Inputs {
		declared = append(declared, name)
		assert.NotEmpty(t, in.Description, "input %s", name)
		assert.NotNil(t, in.Default, "input %s has no default: every input is optional", name)
	}
	slices.Sort(declared)
	assert.Equal(t, declared, references(text, "inputs"), "inputs declared and inputs used differ")

	ids := map[string]bool{}
	var uses []string
	for _, s := range action.Runs.Steps {
		if s.ID != "" {
			ids[s.ID] = true
		}
		if s.Run != "" {
			assert.Equal(t, "bash", s.Shell, "step %q: a composite action's run step needs a shell", s.Name)
		}
		if s.Uses != "" {
			uses = append(uses, s.Uses[:strings.Index(s.Uses, "@")])
		}
	}
	for _, id := range references(text, "steps") {
		assert.True(t, ids[id], "steps.%s names no step", id)
	}
	for name, out := range action.Outputs {
		assert.Contains(t, out.Value, "steps.run.outputs."+name, "output %s", name)
	}
	assert.Equal(t, []string{"actions/setup-go", "github/codeql-action/upload-sarif"}, uses)
	assert.Contains(t, text, "go install ./cmd/ferry")
	assert.Contains(t, text, "go install \"github.com/ferrygitops/ferry/cmd/ferry@$FERRY_VERSION\"")
	assert.Contains(t, text, `-o github`)
	assert.Contains(t, text, `-o "sarif=$out/ferry.sarif"`)
	assert.Contains(t, text, `ferry plan "${args[@]}" -q -o github -o "markdown=$out/report.md"`)
	assert.Contains(t, text, `MARKER: "<!-- ferry:`)
	assert.Contains(t, text, `startswith(\"$MARKER\")`)
	assert.Contains(t, text, "--method PATCH")

	// The action builds ferry from its own checkout: two folders up.
	_, err := os.Stat(filepath.Join("github", "..", "..", "cmd", "ferry", "main.go"))
	assert.NoError(t, err)
}

// TestGitHubWorkflows: the example workflows use the action by its
// published path, with inputs it declares, and the promotion runs ferry
// promote with the flags it takes.
func TestGitHubWorkflows(t *testing.T) {
	var action struct {
		Inputs map[string]any `yaml:"inputs"`
	}
	readYAML(t, filepath.Join("github", "action.yml"), &action)
	for _, file := range []string{"pull-request.yml", "promote-on-merge.yml", filepath.Join("testdata", "self-test.yml")} {
		t.Run(file, func(t *testing.T) {
			var wf struct {
				On   map[string]any `yaml:"on"`
				Jobs map[string]struct {
					Steps []step `yaml:"steps"`
				} `yaml:"jobs"`
			}
			readYAML(t, filepath.Join("github", file), &wf)
			require.NotEmpty(t, wf.Jobs)
			used := 0
			for _, job := range wf.Jobs {
				for _, s := range job.Steps {
					if s.Uses != "ferrygitops/ferry/integrations/github@v1" && s.Uses != "./integrations/github" {
						continue
					}
					used++
					for in := range s.With {
						assert.Contains(t, action.Inputs, in, "step %q", s.Name)
					}
					if s.With["command"] == "promote" {
						assert.Contains(t, wf.On, "push")
						for _, flag := range []string{"--from staging", "--to production", "--base main", "--branch", "--label", "--reviewer", "--comment-blocked"} {
							assert.Contains(t, s.With["args"], flag)
						}
					}
				}
			}
			assert.NotZero(t, used, "the workflow does not use the action")
		})
	}
}

// TestAzurePipelinesTemplate: the steps template declares every parameter
// it uses, installs ferry, reports with -o azuredevops, publishes SARIF as
// CodeAnalysisLogs and keeps one comment thread through the REST API.
func TestAzurePipelinesTemplate(t *testing.T) {
	var tmpl struct {
		Parameters []struct {
			Name    string   `yaml:"name"`
			Type    string   `yaml:"type"`
			Default any      `yaml:"default"`
			Values  []string `yaml:"values"`
		} `yaml:"parameters"`
		Steps []map[string]any `yaml:"steps"`
	}
	text := readYAML(t, filepath.Join("azure-pipelines", "ferry.yml"), &tmpl)
	var declared []string
	for _, p := range tmpl.Parameters {
		declared = append(declared, p.Name)
		assert.Contains(t, []string{"string", "boolean"}, p.Type, "parameter %s", p.Name)
		assert.NotNil(t, p.Default, "parameter %s has no default", p.Name)
		if p.Name == "command" {
			assert.Equal(t, []string{"check", "validate", "plan", "promote"}, p.Values)
		}
	}
	slices.Sort(declared)
	assert.Equal(t, declared, references(text, "parameters"), "parameters declared and parameters used differ")
	require.NotEmpty(t, tmpl.Steps)
	assert.Equal(t, "GoTool@0", tmpl.Steps[0]["task"])
	for _, s := range tmpl.Steps {
		// A step, or a conditional insertion of steps.
		if len(s) == 1 {
			for k := range s {
				assert.True(t, strings.HasPrefix(k, "${{ if "), "%v", s)
			}
			continue
		}
		assert.NotEmpty(t, s["displayName"], "%v", s)
	}
	assert.Contains(t, text, `go install "github.com/ferrygitops/ferry/cmd/ferry@$FERRY_VERSION"`)
	assert.Contains(t, text, `ferry "$FERRY_COMMAND" "${args[@]}" -o azuredevops`)
	assert.Contains(t, text, "ArtifactName: CodeAnalysisLogs")
	assert.Contains(t, text, "/_apis/git/repositories/$(Build.Repository.ID)/pullRequests/$(System.PullRequest.PullRequestId)/threads")
	assert.Contains(t, text, "api-version=7.1")
	assert.Contains(t, text, "SYSTEM_ACCESSTOKEN: $(System.AccessToken)")
	assert.Contains(t, text, `MARKER: "<!-- ferry:`)

	for _, file := range []string{"pull-request.yml", "promote-on-merge.yml"} {
		t.Run(file, func(t *testing.T) {
			var p struct {
				Steps []struct {
					Template   string            `yaml:"template"`
					Parameters map[string]string `yaml:"parameters"`
				} `yaml:"steps"`
			}
			readYAML(t, filepath.Join("azure-pipelines", file), &p)
			used := 0
			for _, s := range p.Steps {
				if s.Template != "integrations/azure-pipelines/ferry.yml@ferry" {
					continue
				}
				used++
				for name := range s.Parameters {
					assert.Contains(t, declared, name)
				}
			}
			assert.NotZero(t, used)
		})
	}
}

// TestPreCommitHooks: the hooks build ferry with Go and run the commands
// their ids name.
func TestPreCommitHooks(t *testing.T) {
	var hooks []struct {
		ID            string `yaml:"id"`
		Name          string `yaml:"name"`
		Entry         string `yaml:"entry"`
		Language      string `yaml:"language"`
		Files         string `yaml:"files"`
		PassFilenames *bool  `yaml:"pass_filenames"`
	}
	readYAML(t, filepath.Join("..", ".pre-commit-hooks.yaml"), &hooks)
	var ids []string
	for _, h := range hooks {
		ids = append(ids, h.ID)
		assert.Equal(t, "golang", h.Language, h.ID)
		assert.Equal(t, "ferry "+strings.TrimPrefix(h.ID, "ferry-"), h.Entry, h.ID)
		_, err := regexp.Compile(h.Files)
		assert.NoError(t, err, h.ID)
		assert.True(t, regexp.MustCompile(h.Files).MatchString("overlays/prod/kustomization.yaml"), h.ID)
		require.NotNil(t, h.PassFilenames, h.ID)
		assert.False(t, *h.PassFilenames, "%s renders environments, not single files", h.ID)
	}
	assert.Equal(t, []string{"ferry-check", "ferry-validate"}, ids)
}

// TestGoReleaser: release builds of cmd/ferry for the usual platforms,
// without cgo, archived with checksums. goreleaser itself does not run
// here (it is not a dependency).
func TestGoReleaser(t *testing.T) {
	var cfg struct {
		Version int `yaml:"version"`
		Builds  []struct {
			Main   string   `yaml:"main"`
			Binary string   `yaml:"binary"`
			Env    []string `yaml:"env"`
			Flags  []string `yaml:"flags"`
			Goos   []string `yaml:"goos"`
			Goarch []string `yaml:"goarch"`
		} `yaml:"builds"`
		Archives []struct {
			Formats []string `yaml:"formats"`
		} `yaml:"archives"`
		Checksum struct {
			NameTemplate string `yaml:"name_template"`
		} `yaml:"checksum"`
	}
	readYAML(t, filepath.Join("..", ".goreleaser.yaml"), &cfg)
	assert.Equal(t, 2, cfg.Version)
	require.Len(t, cfg.Builds, 1)
	b := cfg.Builds[0]
	assert.Equal(t, "./cmd/ferry", b.Main)
	assertMainPackage(t, b.Main)
	assert.Equal(t, "ferry", b.Binary)
	assert.Contains(t, b.Env, "CGO_ENABLED=0")
	assert.Contains(t, b.Flags, "-trimpath")
	assert.ElementsMatch(t, []string{"linux", "darwin", "windows"}, b.Goos)
	assert.ElementsMatch(t, []string{"amd64", "arm64"}, b.Goarch)
	require.Len(t, cfg.Archives, 1)
	assert.Equal(t, []string{"tar.gz"}, cfg.Archives[0].Formats)
	assert.NotEmpty(t, cfg.Checksum.NameTemplate)
}

// TestDockerfile: a static build of cmd/ferry in a distroless image that
// runs as a non-root user. docker does not run here.
func TestDockerfile(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "Dockerfile"))
	require.NoError(t, err)
	var from, users, entrypoint []string
	build := ""
	for _, line := range strings.Split(string(data), "\n") {
		instr, rest, _ := strings.Cut(strings.TrimSpace(line), " ")
		switch instr {
		case "FROM":
			from = append(from, rest)
		case "USER":
			users = append(users, rest)
		case "ENTRYPOINT":
			entrypoint = append(entrypoint, rest)
		case "RUN":
			if strings.Contains(rest, "go build") {
				build = rest
			}
		}
	}
	require.Len(t, from, 2, "a builder stage and the final image")
	assert.Regexp(t, `^golang:\S+ AS build$`, from[0])
	assert.Equal(t, "gcr.io/distroless/static-debian12:nonroot", from[1])
	assert.Equal(t, []string{"nonroot"}, users)
	assert.Equal(t, []string{`["/usr/local/bin/ferry"]`}, entrypoint)
	assert.Contains(t, build, "CGO_ENABLED=0")
	assert.Contains(t, build, "-trimpath")
	assert.Contains(t, build, "-ldflags=")
	fields := strings.Fields(build)
	main := fields[len(fields)-1]
	assert.Equal(t, "./cmd/ferry", main)
	assertMainPackage(t, main)
}

// assertMainPackage checks that dir, relative to the repository root, is
// a main package.
func assertMainPackage(t *testing.T, dir string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", filepath.FromSlash(dir), "main.go"))
	require.NoError(t, err)
	assert.Regexp(t, `(?m)^package main$`, string(data))
}
