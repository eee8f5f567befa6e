package cloudformation

import (
	"strings"
	"testing"
	"time"

	"github.com/kumoguard/kumoguard/internal/model"
)

func TestMetadataSuppressions(t *testing.T) {
	tmpl := `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Db:
    Type: AWS::RDS::DBCluster
    Metadata:
      kumoguard:
        ignore:
          - id: KG-BT-002
            reason: reporting replica, 1 h is enough
            until: 2027-03-31
          - id: kg-bt-001
            reason: "legacy cluster, migration planned"
          - id: KG-BT-001
          - id: CKV_AWS_326
            reason: x
          - id: KG-BT-001
            reason: x
            until: 31/03/2027
          - just a string
    Properties:
      Engine: aurora-mysql
      BacktrackWindow: 3600
  Other:
    Type: AWS::RDS::DBCluster
    Metadata:
      kumoguard: {ignore: KG-BT-001}
    Properties:
      Engine: aurora-mysql
`
	inv := scanFiles(t, map[string]string{"t.yaml": tmpl}, Options{})
	c := findCluster(t, inv, "Db")
	if len(c.Suppressions) != 2 {
		t.Fatalf("suppressions = %+v", c.Suppressions)
	}
	s := c.Suppressions[0]
	until := time.Date(2027, 3, 31, 0, 0, 0, 0, time.UTC)
	if s.RuleID != "KG-BT-002" || s.Source != "metadata" || s.Reason != "reporting replica, 1 h is enough" || s.Until == nil || !s.Until.Equal(until) || s.Location.String() != "t.yaml:8:13" {
		t.Errorf("suppression 0 = %+v", s)
	}
	if s := c.Suppressions[1]; s.RuleID != "KG-BT-001" || s.Until != nil || s.Location.String() != "t.yaml:11:13" {
		t.Errorf("suppression 1 = %+v", s)
	}
	want := map[string]string{
		"t.yaml:13:13": "suppression of KG-BT-001 has no reason",
		"t.yaml:14:17": `kumoguard ignore id is "CKV_AWS_326" (expected a rule ID such as KG-BT-001)`,
		"t.yaml:18:20": `until "31/03/2027" is not a date (expected YYYY-MM-DD)`,
		"t.yaml:19:13": "a kumoguard ignore entry is",
		"t.yaml:26:27": "Metadata.kumoguard must be {ignore: [{id, reason, until}]}",
	}
	if len(inv.Diagnostics) != len(want) {
		t.Errorf("diagnostics:\n%s", dumpInventory(inv))
	}
	for _, d := range inv.Diagnostics {
		msg, ok := want[d.Location.String()]
		if !ok || !strings.Contains(d.Message.EN, msg) || d.Status != model.StatusError || d.Reason != model.ReasonInvalidValue || d.Message.JA == "" {
			t.Errorf("unexpected diagnostic %s %s: %s", d.Reason, d.Location, d.Message.EN)
		}
	}
}
