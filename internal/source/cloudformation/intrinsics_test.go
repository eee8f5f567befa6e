package cloudformation

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/kumoguard/kumoguard/internal/model"
)

const envParams = `Parameters:
  Env:
    Type: String
    AllowedValues: [dev, prod]
  EnvWithDefault:
    Type: String
    Default: prod
    AllowedValues: [dev, prod]
  Window:
    Type: Number
    Default: 86400
  NoDefault:
    Type: Number
  Windows:
    Type: String
    AllowedValues: ["3600", "86400"]
Mappings:
  EnvMap:
    dev:
      Window: 3600
    prod:
      Window: 172800
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  DefaultIsProd: !Equals [!Ref EnvWithDefault, prod]
  OpenCond: !Equals [!Ref NoDefault, 1]
  InUsEast1: !Equals [!Ref "AWS::Region", us-east-1]
  NotProd: !Not [!Condition DefaultIsProd]
  ProdAndOpen: !And [!Condition DefaultIsProd, !Condition OpenCond]
  NotProdAndOpen: !And [!Condition NotProd, !Condition OpenCond]
  ProdOrOpen: !Or [!Condition DefaultIsProd, !Condition OpenCond]
  NotProdOrOpen: !Or [!Condition NotProd, !Condition OpenCond]
  LoopA: !Condition LoopB
  LoopB: !Not [!Condition LoopA]
`

// TestBacktrackWindowIntrinsics runs every intrinsic function and condition
// path through a BacktrackWindow and checks the model value and the verdicts
// policy reaches on it (the same reason codes as for Terraform).
func TestBacktrackWindowIntrinsics(t *testing.T) {
	tests := []struct {
		name   string
		window string // the YAML of BacktrackWindow
		params []string
		region string
		state  model.ValueState
		value  int64
		cands  []int64
		why    string // substring of Why
		v001   string // "STATUS REASON"
		v002   string
		prov   []model.OriginKind
	}{
		{name: "integer literal", window: "86400", state: model.Known, value: 86400,
			v001: "PASS BACKTRACK_ENABLED", v002: "PASS WINDOW_MEETS_MINIMUM", prov: []model.OriginKind{model.OriginAttribute}},
		{name: "numeric string is coerced", window: `"86400"`, state: model.Known, value: 86400,
			v001: "PASS BACKTRACK_ENABLED", v002: "PASS WINDOW_MEETS_MINIMUM"},
		{name: "hexadecimal YAML integer", window: "0x15180", state: model.Known, value: 86400,
			v001: "PASS BACKTRACK_ENABLED", v002: "PASS WINDOW_MEETS_MINIMUM"},
		{name: "zero", window: "0", state: model.Known, value: 0,
			v001: "FAIL BACKTRACK_DISABLED", v002: "FAIL WINDOW_BELOW_MINIMUM"},
		{name: "72 means seconds", window: "72", state: model.Known, value: 72,
			v001: "PASS BACKTRACK_ENABLED", v002: "FAIL WINDOW_LIKELY_HOURS"},
		{name: "out of range", window: "300000", state: model.Known, value: 300000,
			v001: "ERROR WINDOW_OUT_OF_RANGE", v002: "ERROR WINDOW_OUT_OF_RANGE"},
		{name: "negative", window: "-1", state: model.Known, value: -1,
			v001: "ERROR WINDOW_OUT_OF_RANGE", v002: "ERROR WINDOW_OUT_OF_RANGE"},
		{name: "not a number", window: "abc", state: model.Invalid, why: `expected a whole number of seconds from 0 to 259200 (e.g. 86400 for 24 hours), got "abc"`,
			v001: "ERROR INVALID_VALUE", v002: "ERROR INVALID_VALUE"},
		{name: "fraction", window: "1.5", state: model.Invalid, why: "got number 1.5",
			v001: "ERROR INVALID_VALUE", v002: "ERROR INVALID_VALUE"},
		{name: "boolean", window: "true", state: model.Invalid, why: "got boolean true",
			v001: "ERROR INVALID_VALUE", v002: "ERROR INVALID_VALUE"},
		{name: "list", window: "[1, 2]", state: model.Invalid, why: "got a list",
			v001: "ERROR INVALID_VALUE", v002: "ERROR INVALID_VALUE"},
		{name: "Ref parameter default", window: "!Ref Window", state: model.Known, value: 86400,
			v001: "PASS BACKTRACK_ENABLED", v002: "PASS WINDOW_MEETS_MINIMUM", prov: []model.OriginKind{model.OriginAttribute, model.OriginParameterDefault}},
		{name: "Ref parameter flag", window: "!Ref Window", params: []string{"Window=3600"}, state: model.Known, value: 3600,
			v001: "PASS BACKTRACK_ENABLED", v002: "FAIL WINDOW_BELOW_MINIMUM", prov: []model.OriginKind{model.OriginAttribute, model.OriginParameterFlag}},
		{name: "Ref parameter without default", window: "!Ref NoDefault", state: model.Unknown,
			why:  `parameter "NoDefault" has no Default and no value was given: pass --parameter NoDefault=<value> or --parameter-file`,
			v001: "UNKNOWN UNRESOLVED_VALUE", v002: "UNKNOWN UNRESOLVED_VALUE"},
		{name: "Ref parameter with AllowedValues only", window: "!Ref Windows", state: model.Unknown, cands: []int64{3600, 86400},
			why:  `parameter "Windows" has no Default and no value was given: pass --parameter Windows=<value> or --parameter-file (AllowedValues: 3600, 86400)`,
			v001: "PASS BACKTRACK_ENABLED", v002: "UNKNOWN UNRESOLVED_VALUE"},
		{name: "Ref parameter outside AllowedValues", window: "!Ref Windows", params: []string{"Windows=7200"}, state: model.Invalid,
			why:  `parameter "Windows" value "7200" is not one of its AllowedValues (3600, 86400)`,
			v001: "ERROR INVALID_VALUE", v002: "ERROR INVALID_VALUE"},
		{name: "Ref pseudo parameter NoValue", window: `!Ref "AWS::NoValue"`, state: model.Absent,
			v001: "FAIL BACKTRACK_DISABLED", v002: "FAIL WINDOW_BELOW_MINIMUM"},
		{name: "Ref to nothing", window: "!Ref Nope", state: model.Invalid, why: `Ref to "Nope": the template declares no parameter or resource of that name`,
			v001: "ERROR INVALID_VALUE", v002: "ERROR INVALID_VALUE"},
		{name: "FindInMap known key", window: "!FindInMap [EnvMap, !Ref EnvWithDefault, Window]", state: model.Known, value: 172800,
			v001: "PASS BACKTRACK_ENABLED", v002: "PASS WINDOW_MEETS_MINIMUM", prov: []model.OriginKind{model.OriginAttribute, model.OriginMapping}},
		{name: "FindInMap unknown key enumerates AllowedValues", window: "!FindInMap [EnvMap, !Ref Env, Window]", state: model.Unknown, cands: []int64{3600, 172800},
			why: `parameter "Env" has no Default`, v001: "PASS BACKTRACK_ENABLED", v002: "UNKNOWN UNRESOLVED_VALUE"},
		{name: "FindInMap missing key", window: "!FindInMap [EnvMap, staging, Window]", state: model.Invalid, why: `map "EnvMap" has no key "staging"`,
			v001: "ERROR INVALID_VALUE", v002: "ERROR INVALID_VALUE"},
		{name: "FindInMap DefaultValue", window: "!FindInMap [EnvMap, staging, Window, {DefaultValue: 86400}]", state: model.Known, value: 86400,
			v001: "PASS BACKTRACK_ENABLED", v002: "PASS WINDOW_MEETS_MINIMUM"},
		{name: "If known condition true", window: "!If [DefaultIsProd, 86400, 0]", state: model.Known, value: 86400,
			v001: "PASS BACKTRACK_ENABLED", v002: "PASS WINDOW_MEETS_MINIMUM"},
		{name: "If known condition false by flag", window: "!If [DefaultIsProd, 86400, 0]", params: []string{"EnvWithDefault=dev"}, state: model.Known, value: 0,
			v001: "FAIL BACKTRACK_DISABLED", v002: "FAIL WINDOW_BELOW_MINIMUM"},
		{name: "If with NoValue branch", window: `!If [DefaultIsProd, !Ref "AWS::NoValue", 86400]`, state: model.Absent,
			v001: "FAIL BACKTRACK_DISABLED", v002: "FAIL WINDOW_BELOW_MINIMUM"},
		{name: "If enumerable condition, both branches disable", window: "!If [IsProd, 0, 0]", state: model.Unknown, cands: []int64{0},
			why: `parameter "Env"`, v001: "FAIL BACKTRACK_DISABLED", v002: "FAIL WINDOW_BELOW_MINIMUM"},
		{name: "If open condition, both branches disable", window: `!If [OpenCond, 0, !Ref "AWS::NoValue"]`, state: model.Unknown, cands: []int64{0},
			why: `condition "OpenCond" could not be resolved (parameter "NoDefault" has no Default`, v001: "FAIL BACKTRACK_DISABLED", v002: "FAIL WINDOW_BELOW_MINIMUM"},
		{name: "If open condition, branches differ", window: "!If [OpenCond, 86400, 0]", state: model.Unknown, cands: []int64{86400, 0},
			why: `condition "OpenCond" could not be resolved`, v001: "UNKNOWN UNRESOLVED_VALUE", v002: "UNKNOWN UNRESOLVED_VALUE"},
		{name: "If open condition, open branch", window: "!If [OpenCond, !Ref NoDefault, 0]", state: model.Unknown,
			why: `parameter "NoDefault" has no Default`, v001: "UNKNOWN UNRESOLVED_VALUE", v002: "UNKNOWN UNRESOLVED_VALUE"},
		{name: "If on region condition with --region", window: "!If [InUsEast1, 86400, 0]", region: "us-east-1", state: model.Known, value: 86400,
			v001: "PASS BACKTRACK_ENABLED", v002: "PASS WINDOW_MEETS_MINIMUM"},
		{name: "If on region condition without --region", window: "!If [InUsEast1, 86400, 3600]", state: model.Unknown, cands: []int64{86400, 3600},
			why: "AWS::Region is not known: pass --region", v001: "PASS BACKTRACK_ENABLED", v002: "UNKNOWN UNRESOLVED_VALUE"},
		{name: "Not", window: "!If [NotProd, 0, 86400]", state: model.Known, value: 86400,
			v001: "PASS BACKTRACK_ENABLED", v002: "PASS WINDOW_MEETS_MINIMUM"},
		{name: "And decided by a true and an open operand", window: "!If [ProdAndOpen, 86400, 0]", state: model.Unknown, cands: []int64{86400, 0},
			v001: "UNKNOWN UNRESOLVED_VALUE", v002: "UNKNOWN UNRESOLVED_VALUE"},
		{name: "And decided by a false operand", window: "!If [NotProdAndOpen, 0, 86400]", state: model.Known, value: 86400,
			v001: "PASS BACKTRACK_ENABLED", v002: "PASS WINDOW_MEETS_MINIMUM"},
		{name: "Or decided by a true operand", window: "!If [ProdOrOpen, 86400, 0]", state: model.Known, value: 86400,
			v001: "PASS BACKTRACK_ENABLED", v002: "PASS WINDOW_MEETS_MINIMUM"},
		{name: "Or with a false and an open operand", window: "!If [NotProdOrOpen, 0, 86400]", state: model.Unknown, cands: []int64{0, 86400},
			v001: "UNKNOWN UNRESOLVED_VALUE", v002: "UNKNOWN UNRESOLVED_VALUE"},
		{name: "If with an undeclared condition", window: "!If [Missing, 86400, 0]", state: model.Invalid, why: `condition "Missing" is not declared in Conditions`,
			v001: "ERROR INVALID_VALUE", v002: "ERROR INVALID_VALUE"},
		{name: "condition cycle", window: "!If [LoopA, 86400, 0]", state: model.Invalid, why: "refers to itself",
			v001: "ERROR INVALID_VALUE", v002: "ERROR INVALID_VALUE"},
		{name: "If with two arguments", window: "!If [DefaultIsProd, 86400]", state: model.Invalid, why: "Fn::If takes [condition name, value if true, value if false]",
			v001: "ERROR INVALID_VALUE", v002: "ERROR INVALID_VALUE"},
		{name: "Sub of a parameter", window: `!Sub "${Window}"`, state: model.Known, value: 86400,
			v001: "PASS BACKTRACK_ENABLED", v002: "PASS WINDOW_MEETS_MINIMUM", prov: []model.OriginKind{model.OriginAttribute, model.OriginParameterDefault}},
		{name: "Sub with variables map", window: `!Sub ["${Hours}00", {Hours: 864}]`, state: model.Known, value: 86400,
			v001: "PASS BACKTRACK_ENABLED", v002: "PASS WINDOW_MEETS_MINIMUM"},
		{name: "Sub literal escape", window: `!Sub "${!Window}"`, state: model.Invalid, why: `got "${Window}"`,
			v001: "ERROR INVALID_VALUE", v002: "ERROR INVALID_VALUE"},
		{name: "Sub with enumerable parameter", window: `!Sub "${Windows}"`, state: model.Unknown, cands: []int64{3600, 86400},
			v001: "PASS BACKTRACK_ENABLED", v002: "UNKNOWN UNRESOLVED_VALUE"},
		{name: "Join", window: `!Join ["", ["864", "00"]]`, state: model.Known, value: 86400,
			v001: "PASS BACKTRACK_ENABLED", v002: "PASS WINDOW_MEETS_MINIMUM"},
		{name: "Select", window: "!Select [1, [0, 259200]]", state: model.Known, value: 259200,
			v001: "PASS BACKTRACK_ENABLED", v002: "PASS WINDOW_MEETS_MINIMUM"},
		{name: "Select out of range", window: "!Select [2, [0, 259200]]", state: model.Invalid, why: "out of range",
			v001: "ERROR INVALID_VALUE", v002: "ERROR INVALID_VALUE"},
		{name: "Select of Split", window: `!Select [0, !Split [",", "86400,0"]]`, state: model.Known, value: 86400,
			v001: "PASS BACKTRACK_ENABLED", v002: "PASS WINDOW_MEETS_MINIMUM"},
		{name: "Select of GetAZs", window: `!Select [0, !GetAZs ""]`, state: model.Unknown, why: "Availability Zones",
			v001: "UNKNOWN UNRESOLVED_VALUE", v002: "UNKNOWN UNRESOLVED_VALUE"},
		{name: "GetAtt", window: "!GetAtt Other.Endpoint.Port", state: model.Unknown, why: `attribute Endpoint.Port of resource "Other" is known only when the stack is deployed`,
			v001: "UNKNOWN UNRESOLVED_VALUE", v002: "UNKNOWN UNRESOLVED_VALUE"},
		{name: "ImportValue", window: "!ImportValue shared-backtrack-window", state: model.Unknown, why: `Fn::ImportValue "shared-backtrack-window" reads an export of another stack`,
			v001: "UNKNOWN UNRESOLVED_VALUE", v002: "UNKNOWN UNRESOLVED_VALUE"},
		{name: "Base64 is a string, not a number", window: `!Base64 "86400"`, state: model.Invalid, why: `got "ODY0MDA="`,
			v001: "ERROR INVALID_VALUE", v002: "ERROR INVALID_VALUE"},
		{name: "Condition function as a value", window: "!Condition DefaultIsProd", state: model.Invalid, why: "got boolean true",
			v001: "ERROR INVALID_VALUE", v002: "ERROR INVALID_VALUE"},
		{name: "Equals as a value", window: "!Equals [a, a]", state: model.Invalid, why: "got boolean true",
			v001: "ERROR INVALID_VALUE", v002: "ERROR INVALID_VALUE"},
		{name: "dynamic reference", window: `"{{resolve:ssm:/db/backtrack-window}}"`, state: model.Unknown, why: "dynamic reference",
			v001: "UNKNOWN UNRESOLVED_VALUE", v002: "UNKNOWN UNRESOLVED_VALUE"},
		{name: "unknown tag", window: "!Window 86400", state: model.Invalid, why: "unknown tag !Window",
			v001: "ERROR INVALID_VALUE", v002: "ERROR INVALID_VALUE"},
		{name: "long form in YAML", window: `{"Fn::If": [DefaultIsProd, {"Ref": Window}, 0]}`, state: model.Known, value: 86400,
			v001: "PASS BACKTRACK_ENABLED", v002: "PASS WINDOW_MEETS_MINIMUM"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			props := "Engine: aurora-mysql\nBacktrackWindow: " + tt.window + "\n"
			tmpl := clusterTemplate(envParams, props) + "  Other:\n    Type: AWS::RDS::DBInstance\n    Properties: {DBInstanceClass: db.r6g.large}\n"
			inv := scanFiles(t, map[string]string{"template.yaml": tmpl}, Options{Parameters: tt.params, Region: tt.region})
			c := findCluster(t, inv, "Db")
			w := c.BacktrackWindow
			if w.State != tt.state {
				t.Fatalf("state = %s, want %s (why %q)\n%s", w.State, tt.state, w.Why.EN, dumpInventory(inv))
			}
			if tt.state == model.Known && w.V != tt.value {
				t.Errorf("value = %d, want %d", w.V, tt.value)
			}
			if tt.cands != nil && !slices.Equal(w.Candidates, tt.cands) {
				t.Errorf("candidates = %v, want %v", w.Candidates, tt.cands)
			}
			if !strings.Contains(w.Why.EN, tt.why) {
				t.Errorf("why = %q, want it to contain %q", w.Why.EN, tt.why)
			}
			if tt.why != "" && w.Why.JA == "" {
				t.Errorf("why has no Japanese text")
			}
			if tt.state != model.Absent {
				if w.Where.File != "template.yaml" || w.Where.Line < 13 || w.Where.Column == 0 {
					t.Errorf("where = %s, want a position in the template", w.Where)
				}
			}
			if tt.prov != nil {
				var kinds []model.OriginKind
				for _, o := range w.Provenance {
					kinds = append(kinds, o.Kind)
				}
				if !slices.Equal(kinds, tt.prov) {
					t.Errorf("provenance = %v, want %v", kinds, tt.prov)
				}
			}
			got := verdicts(inv)
			want := []string{"KG-BT-001 Db " + tt.v001, "KG-BT-002 Db " + tt.v002}
			if !slices.Equal(withoutDiagnostics(got), want) {
				t.Errorf("verdicts = %v, want %v\n%s", got, want, dumpInventory(inv))
			}
			// A problem in the window is reported on the cluster, not again
			// as a separate diagnostic.
			for _, d := range inv.Diagnostics {
				if d.Location.Line == w.Where.Line {
					t.Errorf("duplicate diagnostic on the window's line: %s %s", d.Location, d.Message.EN)
				}
			}
		})
	}
}

func withoutDiagnostics(vs []string) []string {
	var out []string
	for _, v := range vs {
		if !strings.HasPrefix(v, "KG-BT-000") {
			out = append(out, v)
		}
	}
	return out
}

// TestEnumeratedVerdictMessage checks that a verdict reached through every
// possible value of an unresolved condition says so (issue: "both branches
// of an !If disable backtracking → FAIL; say so in the message").
func TestEnumeratedVerdictMessage(t *testing.T) {
	inv := scanFiles(t, map[string]string{"t.yaml": clusterTemplate(envParams, "Engine: aurora-mysql\nBacktrackWindow: !If [IsProd, 0, !Ref \"AWS::NoValue\"]\n")}, Options{})
	f := findingsFor(inv, "KG-BT-001", "Db")
	if f == nil || f.Status != model.StatusFail || f.Reason != model.ReasonBacktrackDisabled {
		t.Fatalf("finding = %+v", f)
	}
	note := fmt.Sprint(f.Notes)
	for _, want := range []string{"every possible value (0)", `parameter "Env" has no Default`} {
		if !strings.Contains(note, want) {
			t.Errorf("notes %q do not contain %q", note, want)
		}
	}
}
