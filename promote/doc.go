// Package promote plans promotions between GitOps environments. This first
// part reads the environments: a ferry.yaml at the repository root lists
// them, with the environment each one is promoted from, the Kubernetes
// version of its cluster, its policy parameters and its freeze windows.
//
// LoadConfig reads one file; a Config is immutable once loaded and safe for
// concurrent use.
package promote
