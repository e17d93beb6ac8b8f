package validate_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferrygitops/ferry/finding"
	"github.com/ferrygitops/ferry/validate"
)

// TestConcurrentValidate shares one Validator between goroutines that
// validate different inputs at once (run with -race) and checks that each
// gets what a lone call gets.
func TestConcurrentValidate(t *testing.T) {
	v, err := validate.New(validate.Options{Concurrency: 4})
	require.NoError(t, err)
	inputs := make([]string, 8)
	for i := range inputs {
		inputs[i] = widgetCRD + fmt.Sprintf("apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w%d}\nspec: {size: medium, port: %d}\n---\n", i, i) + deployment
		if i%2 == 1 {
			inputs[i] += "          imagee: x\n"
		}
	}
	want := make([][]finding.Finding, len(inputs))
	fresh, err := validate.New(validate.Options{})
	require.NoError(t, err)
	for i, in := range inputs {
		want[i], err = fresh.Validate(context.Background(), decode(t, in))
		require.NoError(t, err)
	}
	var wg sync.WaitGroup
	got := make([][]finding.Finding, len(inputs)*3)
	errs := make([]error, len(got))
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i], errs[i] = v.Validate(context.Background(), decode(t, inputs[i%len(inputs)]))
		}()
	}
	wg.Wait()
	for i := range got {
		require.NoError(t, errs[i])
		assert.Equal(t, want[i%len(inputs)], got[i], "input %d", i%len(inputs))
	}
}
