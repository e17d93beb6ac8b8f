package pullrequest_test

import (
	"fmt"

	"github.com/ferrygitops/ferry/pullrequest"
)

func ExampleParseRemote() {
	for _, u := range []string{
		"git@github.com:acme/app.git",
		"https://contoso@dev.azure.com/contoso/My%20Project/_git/app",
	} {
		r, err := pullrequest.ParseRemote(u)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(r.Kind, r.APIURL(), r)
	}
	// Output:
	// github https://api.github.com/ github.com/acme/app
	// azuredevops https://dev.azure.com/contoso https://dev.azure.com/contoso/My%20Project/_git/app
}

func ExampleParseRemoteAs() {
	r, err := pullrequest.ParseRemoteAs(pullrequest.KindGitHub, "https://ghe.example.com/acme/app.git")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(r.Owner, r.Repo, r.APIURL())
	// Output: acme app https://ghe.example.com/api/v3/
}

func ExampleRedact() {
	fmt.Println(pullrequest.Redact("https://x-access-token:secret@github.com/acme/app.git"))
	// Output: https://github.com/acme/app.git
}
