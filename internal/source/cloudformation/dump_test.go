package cloudformation

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/kumoguard/kumoguard/internal/model"
	"github.com/kumoguard/kumoguard/internal/policy"
	"github.com/kumoguard/kumoguard/internal/testenv"
)

// TestDumpTemplates prints the inventory and findings of the templates named
// in CFN_DEBUG (";"-separated), for looking at a template by hand:
//
//	CFN_DEBUG=testdata/multienv/template.yaml go test -run TestDumpTemplates -v
func TestDumpTemplates(t *testing.T) {
	f := os.Getenv("CFN_DEBUG")
	if f == "" {
		t.Skip()
	}
	var params []string
	if p := os.Getenv("CFN_PARAMS"); p != "" {
		params = strings.Split(p, ";")
	}
	inv := Scan(strings.Split(f, ";"), Options{Root: "testdata", Parameters: params, Region: os.Getenv("CFN_REGION")})
	fmt.Print(dumpInventory(inv))
	for _, fd := range policy.Evaluate(inv, policy.Options{Now: time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)}) {
		fmt.Printf("%s %s %s %s %s | %s\n", fd.RuleID, fd.Resource.Address, fd.Status, fd.Reason, fd.Location, fd.Message.EN)
		for _, n := range fd.Notes {
			fmt.Printf("    note: %s\n", n.EN)
		}
	}
}

// dumpInventory is the shared golden rendering of an inventory.
func dumpInventory(inv model.Inventory) string { return testenv.RenderInventory(inv) }
