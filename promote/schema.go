package promote

import (
	_ "embed"
	"slices"
)

//go:embed ferry.schema.json
var configSchema []byte

// ConfigSchemaURL is where the JSON Schema of ferry.yaml is published, for
// editors: a first line "# yaml-language-server: $schema=<URL>" lets
// yaml-language-server (VS Code's YAML extension, and others) check and
// complete the file.
const ConfigSchemaURL = "https://raw.githubusercontent.com/ferrygitops/ferry/main/promote/ferry.schema.json"

// ConfigSchema returns the JSON Schema (draft 2020-12) of ferry.yaml. It
// describes what [ParseConfig] accepts, a little more strictly where YAML
// would read a value as another type than the one meant: a Kubernetes
// version is a quoted string, booleans are true or false.
func ConfigSchema() []byte { return slices.Clone(configSchema) }
