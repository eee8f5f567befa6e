package awssource

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"strings"
)

// The least-privilege IAM policies the README shows. The test
// TestLeastPrivilege checks that a scan calls nothing outside them.
var (
	// ScannerPolicyJSON is for the role assumed in every scanned account
	// (and for the caller in its own account).
	//go:embed iam/scanner-policy.json
	ScannerPolicyJSON []byte
	// ManagementPolicyJSON is added in the management or delegated-admin
	// account for --org: list accounts and assume the scanner role
	// (replace KumoguardScanner with your --role-name).
	//go:embed iam/management-policy.json
	ManagementPolicyJSON []byte
	// SecurityHubImportPolicyJSON is added where --security-hub imports findings.
	//go:embed iam/securityhub-import-policy.json
	SecurityHubImportPolicyJSON []byte
	// PriceListPolicyJSON is added for the caller (the base credentials,
	// never the assumed roles) with --price-list: the AWS Price List API.
	//go:embed iam/pricelist-policy.json
	PriceListPolicyJSON []byte
)

// PolicyActions returns the actions an IAM policy document allows.
func PolicyActions(doc []byte) ([]string, error) {
	var p struct {
		Statement []struct {
			Effect string
			Action json.RawMessage
		}
	}
	if err := json.Unmarshal(doc, &p); err != nil {
		return nil, fmt.Errorf("IAM policy: %w", err)
	}
	var out []string
	for _, s := range p.Statement {
		if !strings.EqualFold(s.Effect, "Allow") {
			continue
		}
		var one string
		if json.Unmarshal(s.Action, &one) == nil {
			out = append(out, one)
			continue
		}
		var many []string
		if err := json.Unmarshal(s.Action, &many); err != nil {
			return nil, fmt.Errorf("IAM policy: Action must be a string or a list of strings: %w", err)
		}
		out = append(out, many...)
	}
	return out, nil
}
