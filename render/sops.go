package render

import (
	"encoding/base64"
	"strings"
)

// sopsMask replaces the values of SOPS-encrypted Secrets, as the flux CLI's
// build does: ferry cannot decrypt them (kustomize-controller does, in the
// cluster), and ciphertext changes at every encryption, which would make
// noise of every diff.
const sopsMask = "**SOPS**"

// maskSOPS masks a Secret encrypted with SOPS — one holding a sops
// section whose mac is encrypted — the way `flux build` does: the sops
// section goes, each data value becomes base64("**SOPS**") and each
// stringData value "**SOPS**"; for a kubernetes.io/dockerconfigjson Secret,
// the JSON {"mask":"**SOPS**"} instead, so the value stays valid JSON.
// Values encrypted one by one inside a plain Secret are left as they are.
func maskSOPS(content map[string]any) {
	if content["kind"] != "Secret" {
		return
	}
	sops, ok := content["sops"].(map[string]any)
	if !ok {
		return
	}
	if mac, _ := sops["mac"].(string); !strings.HasPrefix(mac, "ENC[") {
		return
	}
	delete(content, "sops")
	mask := sopsMask
	if content["type"] == "kubernetes.io/dockerconfigjson" {
		mask = `{"mask":"` + sopsMask + `"}`
	}
	if data, ok := content["data"].(map[string]any); ok {
		for k := range data {
			data[k] = base64.StdEncoding.EncodeToString([]byte(mask))
		}
	}
	if data, ok := content["stringData"].(map[string]any); ok {
		for k := range data {
			data[k] = mask
		}
	}
}
