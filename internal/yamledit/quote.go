package yamledit

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

const strTag = "!!str"

// scalarText writes value as a scalar token in the given style. A plain
// value stays plain when it is safe in plain style and reads back with tag
// want (or with any tag when the old token carried an explicit one); a
// plain value that does not, or that would fall back from want to a
// string, is double-quoted. It returns the token and the tag it reads
// back with.
func scalarText(value string, style yaml.Style, flow, tagged bool, want string) (text, tag string) {
	switch {
	case style&yaml.DoubleQuotedStyle != 0:
		return doubleQuoted(value), strTag
	case style&yaml.SingleQuotedStyle != 0:
		if singleQuotable(value) {
			return "'" + strings.ReplaceAll(value, "'", "''") + "'", strTag
		}
		return doubleQuoted(value), strTag
	}
	if plainSafe(value, flow) {
		if tagged {
			return value, ""
		}
		if got := plainTag(value); got == want || got == strTag {
			return value, got
		}
	}
	return doubleQuoted(value), strTag
}

// plainTag returns the tag a plain scalar resolves to. Strings that YAML
// 1.1 reads as booleans (yes, on, n, …) or base-60 numbers (1:20) resolve
// to "!!yaml11" so that they are quoted for the YAML 1.1 parsers that
// Kubernetes tooling still uses (sigs.k8s.io/yaml, go-yaml v2).
func plainTag(value string) string {
	if isYAML11(value) {
		return "!!yaml11"
	}
	var n yaml.Node
	if err := yaml.Unmarshal([]byte(value), &n); err != nil || len(n.Content) != 1 {
		return "!!invalid"
	}
	c := n.Content[0]
	if c.Kind != yaml.ScalarNode || c.Style != 0 || c.Value != value {
		return "!!invalid"
	}
	return c.ShortTag()
}

var base60 = regexp.MustCompile(`^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`)

func isYAML11(s string) bool {
	switch s {
	case "y", "Y", "yes", "Yes", "YES", "on", "On", "ON",
		"n", "N", "no", "No", "NO", "off", "Off", "OFF":
		return true
	}
	return base60.MatchString(s)
}

// plainSafe reports whether value can be written as a one-line plain
// scalar in block (or, with flow, flow) context and read back unchanged.
// It is deliberately stricter than YAML: when in doubt, quote.
func plainSafe(value string, flow bool) bool {
	if value == "" || !utf8.ValidString(value) {
		return false
	}
	if strings.HasPrefix(value, "---") || strings.HasPrefix(value, "...") {
		return false
	}
	for i, r := range value {
		if r == ' ' && (i == 0 || i == len(value)-1) {
			return false
		}
		if r != ' ' && (r < 0x20 || !printable(r)) {
			return false
		}
	}
	switch value[0] {
	case '[', ']', '{', '}', ',', '#', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`':
		return false
	case '?', ':':
		if flow || len(value) == 1 || value[1] == ' ' {
			return false
		}
	case '-':
		if len(value) == 1 || value[1] == ' ' {
			return false
		}
	}
	if strings.Contains(value, ": ") || strings.Contains(value, " #") || strings.HasSuffix(value, ":") {
		return false
	}
	return !flow || !strings.ContainsAny(value, ",?[]{}")
}

// singleQuotable reports whether value fits a one-line single-quoted
// scalar: printable, tabs allowed, no line breaks.
func singleQuotable(value string) bool {
	if !utf8.ValidString(value) {
		return false
	}
	for _, r := range value {
		if r != '\t' && (r < 0x20 || !printable(r)) {
			return false
		}
	}
	return true
}

// printable reports whether r may appear as itself inside a one-line
// scalar: YAML's printable set minus the line breaks NEL, LS and PS and
// the byte order mark, which yaml.v3 treats specially.
func printable(r rune) bool {
	switch {
	case r == 0x85 || r == 0x2028 || r == 0x2029 || r == 0xFEFF:
		return false
	case r == '\t' || r == '\n':
		return true
	case r >= 0x20 && r <= 0x7E:
		return true
	case r >= 0xA0 && r <= 0xD7FF, r >= 0xE000 && r <= 0xFFFD, r >= 0x10000 && r <= 0x10FFFF:
		return true
	}
	return false
}

// doubleQuoted writes value as a one-line double-quoted scalar, escaping
// what YAML requires and every character that is not printable.
func doubleQuoted(value string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range value {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			switch {
			case printable(r):
				b.WriteRune(r)
			case r <= 0xFF:
				fmt.Fprintf(&b, `\x%02X`, r)
			default:
				fmt.Fprintf(&b, `\u%04X`, r)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}

// Format writes value as a block-context scalar that reads back as the
// string value: plain when that is safe, double-quoted otherwise. Callers
// that write new lines themselves use it to quote the way SetScalar does.
func Format(value string) string {
	text, _ := scalarText(value, 0, false, false, strTag)
	return text
}
