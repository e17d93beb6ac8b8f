package yamlerr_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/ferrygitops/ferry/internal/yamlerr"
)

func TestLineAndMessage(t *testing.T) {
	tests := []struct {
		name string
		err  error
		line int
		msg  string
	}{
		{name: "with line", err: errors.New("yaml: line 12: mapping values are not allowed in this context"), line: 12, msg: "mapping values are not allowed in this context"},
		{name: "without line", err: errors.New("yaml: control characters are not allowed"), line: 0, msg: "control characters are not allowed"},
		{name: "not yaml", err: errors.New("boom"), line: 0, msg: "boom"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.line, yamlerr.Line(tt.err))
			assert.Equal(t, tt.msg, yamlerr.Message(tt.err))
		})
	}
}
