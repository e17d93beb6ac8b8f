package validate_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferrygitops/ferry/validate"
)

func TestValidatorRules(t *testing.T) {
	v, err := validate.New(validate.Options{})
	require.NoError(t, err)
	assert.Equal(t, []string{"schema", "missing-schema", "removed-api", "deprecated-api", "invalid-name", "invalid-label", "invalid-annotation", "annotations-too-large", "duplicate-object"}, v.Rules())

	v, err = validate.New(validate.Options{IgnoreMissingSchemas: true, Duplicates: validate.DuplicatesOff, RejectKinds: []string{"Secret"}})
	require.NoError(t, err)
	assert.Equal(t, []string{"schema", "removed-api", "deprecated-api", "invalid-name", "invalid-label", "invalid-annotation", "annotations-too-large", "rejected-kind"}, v.Rules())
}
