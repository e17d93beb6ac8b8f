package azuredevops_test

import (
	"fmt"

	"github.com/ferrygitops/ferry/pullrequest/azuredevops"
)

func ExampleNew() {
	// In a pipeline, with System.AccessToken.
	p, err := azuredevops.New(azuredevops.Options{
		OrgURL:  "https://dev.azure.com/contoso",
		Project: "web",
		Repo:    "app",
		Token:   "token from the environment",
		Bearer:  true,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(p.Name(), azuredevops.DescriptionLimit)
	// Output: Azure DevOps 4000
}
