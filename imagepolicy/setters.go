package imagepolicy

import (
	"bufio"
	"bytes"
	"fmt"
	"io/fs"
	"regexp"
	"strings"

	"github.com/ferrygitops/ferry/promote"
)

// setter is Flux's setter comment, as image-automation-controller reads
// it: {"$imagepolicy": "namespace:name"}, or with ":tag" or ":name" after
// the name for a line that holds only the tag or the name.
var setter = regexp.MustCompile(`\{\s*"\$imagepolicy"\s*:\s*"([^"]+)"\s*\}`)

// mark is a setter comment: the policy (namespace/name) it names, and
// where.
type mark struct {
	policy, file string
	line         int
}

func lineKey(file string, line int) string { return fmt.Sprintf("%s:%d", file, line) }

// setterComments finds the setter comments of the files the target's
// objects and image uses come from, by file:line.
func setterComments(t promote.VersionTarget) (map[string]mark, error) {
	out := map[string]mark{}
	if t.FS == nil {
		return out, nil
	}
	files := map[string]bool{}
	for _, o := range t.Objects {
		files[o.Origin().File] = true
	}
	for _, a := range t.Artifacts {
		for _, u := range a.Uses {
			files[u.Source.File] = true
		}
	}
	for file := range files {
		if file == "" {
			continue
		}
		data, err := fs.ReadFile(t.FS, file)
		if err != nil {
			continue // generated, or outside the repository: no comments to read
		}
		if !bytes.Contains(data, []byte(`"$imagepolicy"`)) {
			continue
		}
		sc := bufio.NewScanner(bytes.NewReader(data))
		sc.Buffer(nil, len(data)+1)
		for n := 1; sc.Scan(); n++ {
			m := setter.FindStringSubmatch(sc.Text())
			if m == nil {
				continue
			}
			parts := strings.Split(m[1], ":")
			if len(parts) < 2 || len(parts) > 3 || parts[0] == "" || parts[1] == "" {
				return nil, fmt.Errorf("%s:%d: setter comment %q: write {\"$imagepolicy\": \"namespace:name\"}, optionally with :tag or :name", file, n, m[0])
			}
			out[lineKey(file, n)] = mark{policy: parts[0] + "/" + parts[1], file: file, line: n}
		}
	}
	return out, nil
}
