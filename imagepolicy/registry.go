package imagepolicy

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
)

// Lister reads an image repository's tags and a tag's digest. Registry
// reads them from the registry; a controller may plug in its own cache.
type Lister interface {
	// Tags returns every tag of the repository ("ghcr.io/acme/web").
	Tags(ctx context.Context, repository string) ([]string, error)
	// Digest returns the digest ("sha256:…") the tag points at.
	Digest(ctx context.Context, repository, tag string) (string, error)
}

// Registry lists tags from OCI registries with go-containerregistry.
type Registry struct {
	// Keychain finds credentials; nil is authn.DefaultKeychain (the Docker
	// config file and its credential helpers, as crane and docker use;
	// anonymous when it has none for the registry).
	Keychain authn.Keychain
	// Transport is the HTTP transport; nil is remote.DefaultTransport.
	Transport http.RoundTripper
	// Insecure allows plain HTTP registries (a local one, in tests).
	Insecure bool
}

// ErrRegistry is wrapped by every error Registry returns, which names the
// image and the registry.
var ErrRegistry = errors.New("registry")

func (r Registry) options(ctx context.Context) []remote.Option {
	kc := r.Keychain
	if kc == nil {
		kc = authn.DefaultKeychain
	}
	opts := []remote.Option{remote.WithContext(ctx), remote.WithAuthFromKeychain(kc)}
	if r.Transport != nil {
		opts = append(opts, remote.WithTransport(r.Transport))
	}
	return opts
}

func (r Registry) repository(repo string) (name.Repository, error) {
	var opts []name.Option
	if r.Insecure {
		opts = append(opts, name.Insecure)
	}
	ref, err := name.NewRepository(repo, opts...)
	if err != nil {
		return name.Repository{}, fmt.Errorf("%w: image %s: not a repository name: %w", ErrRegistry, repo, err)
	}
	return ref, nil
}

// Tags lists the repository's tags.
func (r Registry) Tags(ctx context.Context, repo string) ([]string, error) {
	ref, err := r.repository(repo)
	if err != nil {
		return nil, err
	}
	tags, err := remote.List(ref, r.options(ctx)...)
	if err != nil {
		return nil, explain(ref, "list the tags of", err)
	}
	return tags, nil
}

// Digest returns the digest the tag points at (a HEAD request).
func (r Registry) Digest(ctx context.Context, repo, tag string) (string, error) {
	ref, err := r.repository(repo)
	if err != nil {
		return "", err
	}
	desc, err := remote.Head(ref.Tag(tag), r.options(ctx)...)
	if err != nil {
		return "", explain(ref, "read the digest of "+tag+" of", err)
	}
	return desc.Digest.String(), nil
}

// explain turns a registry error into one that says what to do: a refused
// login, a rate limit and a missing repository are never "no newer tag".
func explain(ref name.Repository, doing string, err error) error {
	reg := ref.RegistryStr()
	var te *transport.Error
	if errors.As(err, &te) {
		switch te.StatusCode {
		case http.StatusUnauthorized, http.StatusForbidden:
			return fmt.Errorf("%w %s refused to %s image %s (HTTP %d): log in to it (docker login %s) or check the credentials' access: %w", ErrRegistry, reg, doing, ref.Name(), te.StatusCode, reg, err)
		case http.StatusTooManyRequests:
			return fmt.Errorf("%w %s rate-limited the request to %s image %s (HTTP 429): log in to raise the limit, or try later: %w", ErrRegistry, reg, doing, ref.Name(), err)
		case http.StatusNotFound:
			return fmt.Errorf("%w %s has no image %s (HTTP 404): check the ImageRepository's spec.image: %w", ErrRegistry, reg, ref.Name(), err)
		}
	}
	return fmt.Errorf("%w %s: cannot %s image %s: %w", ErrRegistry, reg, doing, ref.Name(), err)
}
