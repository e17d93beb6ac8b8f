package buildinfo

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestVersionOf(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{in: "v1.4.0", want: "v1.4.0"},
		{in: "v0.0.0-20250101120000-abcdef123456+dirty", want: "v0.0.0-20250101120000-abcdef123456+dirty"},
		{in: "(devel)", want: ""},
		{in: "", want: ""},
	} {
		t.Run(tc.in, func(t *testing.T) {
			assert.Equal(t, tc.want, versionOf(tc.in))
		})
	}
}
