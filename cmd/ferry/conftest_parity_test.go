package main

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// conftestEntry is one entry of conftest's JSON output.
type conftestEntry struct {
	Filename   string           `json:"filename"`
	Namespace  string           `json:"namespace"`
	Successes  int              `json:"successes"`
	Warnings   []map[string]any `json:"warnings"`
	Failures   []map[string]any `json:"failures"`
	Exceptions []map[string]any `json:"exceptions"`
}

// normalize sorts entries and their messages: conftest evaluates files in
// parallel and prints them in the order they finish.
func normalize(t *testing.T, raw []byte) []conftestEntry {
	t.Helper()
	var entries []conftestEntry
	require.NoError(t, json.Unmarshal(raw, &entries), string(raw))
	byMsg := func(a, b map[string]any) int { return strings.Compare(a["msg"].(string), b["msg"].(string)) }
	for i := range entries {
		slices.SortFunc(entries[i].Warnings, byMsg)
		slices.SortFunc(entries[i].Failures, byMsg)
		slices.SortFunc(entries[i].Exceptions, byMsg)
	}
	slices.SortFunc(entries, func(a, b conftestEntry) int {
		return strings.Compare(a.Filename+" "+a.Namespace, b.Filename+" "+b.Namespace)
	})
	return entries
}

// TestConftestParity runs each case of testdata/conftest/cases.txt through
// ferry check and compares output and exit code with what conftest printed
// for it (testdata/conftest/want, made by hack/update-conftest-goldens.sh).
func TestConftestParity(t *testing.T) {
	t.Chdir(filepath.Join("testdata", "conftest"))
	f, err := os.Open("cases.txt")
	require.NoError(t, err)
	defer f.Close()
	scanner := bufio.NewScanner(f)
	cases := 0
	for scanner.Scan() {
		name, args, ok := strings.Cut(scanner.Text(), "|")
		name = strings.TrimSpace(name)
		if !ok || name == "" || strings.HasPrefix(name, "#") {
			continue
		}
		cases++
		t.Run(name, func(t *testing.T) {
			want, err := os.ReadFile(filepath.Join("want", name+".json"))
			require.NoError(t, err)
			rawCode, err := os.ReadFile(filepath.Join("want", name+".code"))
			require.NoError(t, err)
			wantCode, err := strconv.Atoi(strings.TrimSpace(string(rawCode)))
			require.NoError(t, err)

			cmd := append([]string{"check", "--no-builtins", "-p", "policy", "-d", "data", "-o", "json"}, strings.Fields(args)...)
			code, stdout, stderr := runCLI(t, cmd...)
			assert.Equal(t, wantCode, code, stderr)
			assert.Equal(t, normalize(t, want), normalize(t, []byte(stdout)))
		})
	}
	require.NoError(t, scanner.Err())
	require.GreaterOrEqual(t, cases, 10)
}
