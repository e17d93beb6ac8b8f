package promote

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	kustutil "sigs.k8s.io/kustomize/api/pkg/util"

	"github.com/ferrygitops/ferry/manifest"
)

// imageReference is the grammar of a container image reference, as
// github.com/distribution/reference writes it (IPv6 hosts left out):
// [host[:port]/]path[:tag][@digest].
var imageReference = func() *regexp.Regexp {
	const (
		alnum      = `[a-z0-9]+`
		separator  = `(?:[._]|__|[-]+)`
		component  = alnum + `(?:` + separator + alnum + `)*`
		domainPart = `(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])`
		domain     = domainPart + `(?:\.` + domainPart + `)*(?::[0-9]+)?`
		name       = `(?:` + domain + `/)?` + component + `(?:/` + component + `)*`
		tag        = `[\w][\w.-]{0,127}`
		digest     = `[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}`
	)
	return regexp.MustCompile(`^` + name + `(?::` + tag + `)?(?:@` + digest + `)?$`)
}()

// FuzzParseImage checks that image references split into name, tag and
// digest without panicking; that the parts hold no separator they should
// not; that writing them back gives the reference again (but for an empty
// tag or digest after its ":" or "@") and parses to the same parts; and
// that for a valid reference the parts are the ones kustomize's images:
// transformer sees, so an images: entry ferry writes names the image
// kustomize edits.
func FuzzParseImage(f *testing.F) {
	for _, s := range []string{
		"nginx", "nginx:1.27", "docker.io/library/nginx:1.27.0", "ghcr.io/acme/api:1.8.0@sha256:" + strings.Repeat("ab", 32),
		"localhost:5000/a/b", "localhost:5000/a:1", "localhost:5000", "host:5000/a@sha256:" + strings.Repeat("0", 64),
		"a:b/c:d", "a@b@c", "a:@x", "a:", "@", ":", "", "a/b:c:d", "registry.k8s.io/pause:3.10", "a:1@", "A/b",
		"gcr.io/x/y:{{.Tag}}", "a:${TAG}", "ghcr.io/a/b:v1.0.0-rc.1+build",
	} {
		f.Add(s)
	}
	for _, file := range []string{"../examples/shop/apps/base/orders-api/deployment.yaml", "../examples/shop/apps/base/invoice-worker/cronjob.yaml"} {
		data, err := os.ReadFile(file)
		require.NoError(f, err)
		objs, err := manifest.Decode(file, data)
		require.NoError(f, err)
		for _, o := range objs {
			for _, c := range o.Containers() {
				f.Add(c.Image)
			}
		}
	}
	f.Fuzz(func(t *testing.T, ref string) {
		name, v := ParseImage(ref)
		require.NotContains(t, name, "@")
		require.NotContains(t, v.Tag, "@")
		require.NotContains(t, v.Tag, ":")
		require.NotContains(t, v.Tag, "/")

		again := imageRef(name, v)
		require.Contains(t, refVariants(again, v), ref, "%q written back as %q", ref, again)
		if v.Tag != "" || strings.LastIndex(name, ":") <= strings.LastIndex(name, "/") {
			// Without a tag, a colon left in the name reads as one.
			name2, v2 := ParseImage(again)
			require.Equal(t, name, name2, "%q → %q", ref, again)
			require.Equal(t, v, v2, "%q → %q", ref, again)
		}
		if v.Tag == "" && v.Digest == "" {
			require.Equal(t, name, again)
		} else if v.Tag == "" {
			require.Equal(t, name+v.String(), again)
		} else {
			require.Equal(t, name+":"+v.String(), again)
		}

		if imageReference.MatchString(ref) {
			kname, ktag, kdigest := kustutil.SplitImageName(ref)
			require.Equal(t, [3]string{kname, ktag, kdigest}, [3]string{name, v.Tag, v.Digest}, "%q", ref)
		}
	})
}

// refVariants returns ref with the separators an empty tag or digest may
// have had in the reference it was written back from.
func refVariants(ref string, v Version) []string {
	out := []string{ref}
	if v.Digest == "" {
		out = append(out, ref+"@")
	}
	if v.Tag == "" {
		name, digest, hasDigest := strings.Cut(ref, "@")
		if hasDigest {
			out = append(out, name+":@"+digest)
		} else {
			out = append(out, ref+":", ref+":@")
		}
	}
	return out
}
