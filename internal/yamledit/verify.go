package yamledit

import (
	"fmt"

	"go.yaml.in/yaml/v3"
)

// verify parses out and checks that it holds exactly the documents want:
// the original documents with the intended change made to their nodes.
// Styles, comments and positions are not compared; kinds, tags, values,
// anchors, aliases and order are. A difference means the edit would change
// more than it should, and it is refused.
func verify(op string, want []*yaml.Node, out []byte) error {
	s, err := parse(op, out)
	if err != nil {
		return fmt.Errorf("%s: the edited file does not parse, so it is not written: %w", op, err)
	}
	if len(s.docs) != len(want) {
		return fmt.Errorf("%s: the edited file has %d documents instead of %d, so it is not written", op, len(s.docs), len(want))
	}
	for i := range want {
		if n := firstDiff(want[i], s.docs[i]); n != nil {
			return fmt.Errorf("%s: the edit would also change the node at line %d, so it is not written", op, n.Line)
		}
	}
	return nil
}

// firstDiff returns the first node of got that differs from want, nil when
// the trees match.
func firstDiff(want, got *yaml.Node) *yaml.Node {
	if want.Kind != got.Kind || want.Anchor != got.Anchor || len(want.Content) != len(got.Content) {
		return got
	}
	switch want.Kind {
	case yaml.ScalarNode:
		if want.Value != got.Value || want.ShortTag() != got.ShortTag() {
			return got
		}
	case yaml.AliasNode:
		if want.Value != got.Value {
			return got
		}
	case yaml.MappingNode, yaml.SequenceNode:
		if want.ShortTag() != got.ShortTag() {
			return got
		}
	}
	for i := range want.Content {
		if n := firstDiff(want.Content[i], got.Content[i]); n != nil {
			return n
		}
	}
	return nil
}
