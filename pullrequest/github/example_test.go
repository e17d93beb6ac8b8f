package github_test

import (
	"fmt"

	"github.com/ferrygitops/ferry/pullrequest/github"
)

func ExampleNew() {
	// GITHUB_API_URL in GitHub Actions on a GitHub Enterprise Server.
	p, err := github.New(github.Options{
		BaseURL: "https://ghe.example.com/api/v3",
		Token:   "token from the environment",
		Owner:   "acme",
		Repo:    "app",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(p.Name(), p.BaseURL())
	// Output: GitHub https://ghe.example.com/api/v3/
}
