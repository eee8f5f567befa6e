package cloudformation

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/kumoguard/kumoguard/internal/model"
	"github.com/kumoguard/kumoguard/internal/policy"
	"github.com/kumoguard/kumoguard/internal/testenv"
)

// TestYAMLTemplatesGolden scans templates written the way real ones are, each
// using YAML constructs CloudFormation accepts (tags on empty nodes, every
// block-scalar style, duplicate keys, long-form Fn::GetAtt strings,
// Fn::ForEach), and compares inventory and verdicts with golden files.
func TestYAMLTemplatesGolden(t *testing.T) {
	tests := []struct {
		name string
		file string
		o    Options
	}{
		{name: "yaml-network-and-database", file: "network-and-database.yaml"},
		{name: "yaml-network-and-database-dev", file: "network-and-database.yaml", o: Options{Parameters: []string{"Env=dev"}}},
		{name: "yaml-merged-edits", file: "merged-edits.yaml"},
		{name: "yaml-tenants-foreach", file: "tenants-foreach.yaml"},
		{name: "yaml-tenants-foreach-dev", file: "tenants-foreach.yaml", o: Options{Parameters: []string{"Env=dev", "Tenants=initech,umbrella-corp,acme"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := tt.o
			o.Root = "testdata"
			inv := Scan([]string{filepath.Join("testdata", "yaml", tt.file)}, o)
			for _, c := range inv.Clusters {
				if c.Location.Line == 0 {
					t.Errorf("%s has no location", c.Address)
				}
			}
			for _, d := range inv.Diagnostics {
				if d.Status == model.StatusError {
					t.Errorf("a template CloudFormation deploys gave an ERROR: %s %s", d.Location, d.Message.EN)
				}
			}
			var b strings.Builder
			b.WriteString(dumpInventory(inv))
			b.WriteString("-- findings --\n")
			for _, f := range policy.Evaluate(inv, policy.Options{MinWindowSeconds: model.DefaultMinWindowSeconds, Now: evalTime}) {
				fmt.Fprintf(&b, "%s %s %s %s @%s\n  %s\n", f.RuleID, f.Resource.Address, f.Status, f.Reason, f.Location, f.Message.EN)
				for _, n := range f.Notes {
					fmt.Fprintf(&b, "  note: %s\n", n.EN)
				}
			}
			compareGolden(t, filepath.Join("testdata", "golden", tt.name+".txt"), b.String())
		})
	}
}

func compareGolden(t *testing.T, golden, got string) { testenv.Golden(t, golden, []byte(got)) }

// TestShortTagsOnEveryNodeKind: every short-form tag becomes its long form
// on a scalar, a sequence, a mapping and an empty node, block or flow.
func TestShortTagsOnEveryNodeKind(t *testing.T) {
	tags := make([]string, 0, len(shortTags))
	for tag := range shortTags {
		tags = append(tags, tag)
	}
	sort.Strings(tags)
	for _, tag := range tags {
		long := shortTags[tag]
		scalar := "x"
		if tag == "!GetAtt" {
			scalar = "x.y"
		}
		for _, c := range []struct {
			form, doc string
			kind      nodeKind
			col       int32 // of the argument
		}{
			{"scalar", "A: " + tag + " " + scalar + "\n", kindSeq, int32(len("A: "+tag) + 2)},
			{"quoted scalar", "A: " + tag + " '" + scalar + "'\n", kindSeq, int32(len("A: "+tag) + 2)},
			{"flow sequence", "A: " + tag + " [x, y]\n", kindSeq, int32(len("A: "+tag) + 2)},
			{"block sequence", "A: " + tag + "\n  - x\n  - y\n", kindSeq, 3},
			{"flow mapping", "A: " + tag + " {x: 1}\n", kindMap, int32(len("A: "+tag) + 3)},
			{"block mapping", "A: " + tag + "\n  x: 1\n", kindMap, 3},
			{"empty", "A: " + tag + "\n", kindNull, 4},
			{"empty in flow", "A: [" + tag + " ]\n", kindNull, 5},
			{"empty before comma", "A: [" + tag + ", 1]\n", kindNull, 5},
		} {
			want := c.kind
			if c.form == "scalar" || c.form == "quoted scalar" {
				want = kindString
				if tag == "!GetAtt" {
					want = kindSeq
				}
			}
			root, _, msg, ok := parseDocument([]byte(c.doc))
			if !ok {
				t.Errorf("%s on %s: %s", tag, c.form, msg.EN)
				continue
			}
			n := root.get("A")
			if strings.HasPrefix(c.form, "empty ") {
				n = n.vals[0]
			}
			name, arg, isFn := n.intrinsic()
			if !isFn || name != long || arg.kind != want {
				t.Errorf("%s on %s %q: got %s %v (%s), want %s of a %s", tag, c.form, c.doc, name, isFn, arg.describe(), long, want)
				continue
			}
			line := int32(1)
			if strings.HasPrefix(c.form, "block") {
				line = 2
			}
			if arg.pos != (pos{line, c.col}) {
				t.Errorf("%s on %s %q: argument at %d:%d, want %d:%d", tag, c.form, c.doc, arg.pos.line, arg.pos.col, line, c.col)
			}
		}
	}
}

// TestBlockScalars: every block-scalar style and chomping indicator, with
// indentation indicators, reads as YAML 1.2 says.
func TestBlockScalars(t *testing.T) {
	for _, c := range []struct{ name, doc, want string }{
		{"literal clip", "A: |\n  a\n\n  b\n\n\nB: 1\n", "a\n\nb\n"},
		{"literal strip", "A: |-\n  a\n\n  b\n\n\nB: 1\n", "a\n\nb"},
		{"literal keep", "A: |+\n  a\n\n  b\n\n\nB: 1\n", "a\n\nb\n\n\n"},
		{"folded clip", "A: >\n  a\n  b\n\n  c\n\nB: 1\n", "a b\nc\n"},
		{"folded strip", "A: >-\n  a\n  b\n\n  c\n\nB: 1\n", "a b\nc"},
		{"folded keep", "A: >+\n  a\n  b\n\n  c\n\nB: 1\n", "a b\nc\n\n"},
		{"indentation indicator", "A: |2\n    indented\n  base\nB: 1\n", "  indented\nbase\n"},
		{"indentation and chomping", "A: >1-\n  leading space\nB: 1\n", " leading space"},
		{"chomping then indentation", "A: |+1\n  x\n\nB: 1\n", " x\n\n"},
		{"tagged literal keep", "A: !Sub |+\n  #!/bin/bash\n\n  echo ${AWS::Region}\n\nB: 1\n", "#!/bin/bash\n\necho ${AWS::Region}\n\n"},
		{"at end of file", "A: |+\n  x\n\n", "x\n\n"},
	} {
		root, _, msg, ok := parseDocument([]byte(c.doc))
		if !ok {
			t.Errorf("%s: %s", c.name, msg.EN)
			continue
		}
		n := root.get("A")
		if _, arg, isFn := n.intrinsic(); isFn {
			n = arg
		}
		col := int32(strings.IndexAny(c.doc, "|>") + 1) // the block indicator
		if n.kind != kindString || n.str != c.want || n.pos != (pos{1, col}) {
			t.Errorf("%s: got %s %q at %d:%d, want %q", c.name, n.kind, n.str, n.pos.line, n.pos.col, c.want)
		}
	}
}

// TestDuplicateKeys: the last value wins, the first key's slot keeps the
// order, and both positions are recorded for the note.
func TestDuplicateKeys(t *testing.T) {
	doc := "Resources:\n  Db:\n    Type: AWS::RDS::DBCluster\n    Properties:\n      BacktrackWindow: 0\n      Engine: aurora-mysql\n      BacktrackWindow: 86400\n  Other:\n    Type: AWS::SQS::Queue\n"
	root, dups, _, msg, ok := parseDocumentDups([]byte(doc))
	if !ok {
		t.Fatal(msg.EN)
	}
	props := root.get("Resources").get("Db").get("Properties")
	if strings.Join(props.keys, ",") != "BacktrackWindow,Engine" || props.get("BacktrackWindow").str != "86400" || props.keyPos[0] != (pos{7, 7}) {
		t.Errorf("properties = %v %v", props.keys, props.keyPos)
	}
	if len(dups) != 1 || dups[0].key != "BacktrackWindow" || dups[0].first != (pos{5, 7}) || dups[0].last != (pos{7, 7}) || !dups[0].affects("Db") || dups[0].affects("Other") {
		t.Errorf("dups = %+v", dups)
	}

	// Many keys (the indexed path) and a duplicate at the top level.
	var b strings.Builder
	for i := 0; i < 20; i++ {
		fmt.Fprintf(&b, "K%d: %d\n", i, i)
	}
	b.WriteString("K3: last\nResources: {}\n")
	root, dups, _, _, _ = parseDocumentDups([]byte(b.String()))
	if root.get("K3").str != "last" || root.keys[3] != "K3" || len(root.keys) != 21 || len(dups) != 1 || dups[0].first.line != 4 || dups[0].last.line != 21 || !dups[0].affects("Anything") {
		t.Errorf("keys %v K3=%q dups %+v", root.keys, root.get("K3").str, dups)
	}

	// On a scan: a NOTE on the cluster naming both lines, not an ERROR.
	inv := scanFiles(t, map[string]string{"t.yaml": doc}, Options{})
	c := findCluster(t, inv, "Db")
	if c.BacktrackWindow.V != 86400 || len(inv.Diagnostics) != 0 {
		t.Fatalf("window %+v diags %v", c.BacktrackWindow, inv.Diagnostics)
	}
	if len(c.Notes) != 1 || !strings.Contains(c.Notes[0].EN, "t.yaml:5 and t.yaml:7") || !strings.Contains(c.Notes[0].JA, "t.yaml:5 と t.yaml:7") {
		t.Errorf("notes = %v", c.Notes)
	}
}

// TestLongFormGetAttString: Fn::GetAtt: "Resource.Attribute" (YAML or JSON)
// is Fn::GetAtt: [Resource, Attribute], with exact columns.
func TestLongFormGetAttString(t *testing.T) {
	for _, c := range []struct {
		doc      string
		attrCol  int32
		res, att string
	}{
		{"A:\n  Fn::GetAtt: Db.Endpoint.Address\n", 18, "Db", "Endpoint.Address"},
		{"A:\n  Fn::GetAtt: \"Db.Endpoint\"\n", 19, "Db", "Endpoint"},
		{"A: {Fn::GetAtt: 'Stack.Outputs.Name'}\n", 24, "Stack", "Outputs.Name"},
		{"{\"A\": {\"Fn::GetAtt\": \"Db.Endpoint\"}}\n", 26, "Db", "Endpoint"},
	} {
		root, _, msg, ok := parseDocument([]byte(c.doc))
		if !ok {
			t.Fatal(msg.EN)
		}
		_, arg, _ := root.get("A").intrinsic()
		if arg == nil || arg.kind != kindSeq || arg.vals[0].str != c.res || arg.vals[1].str != c.att || arg.vals[1].pos.col != c.attrCol {
			t.Errorf("%q: got %s", c.doc, arg.describe())
			if arg != nil && arg.kind == kindSeq {
				t.Errorf("  attribute at column %d, want %d", arg.vals[1].pos.col, c.attrCol)
			}
		}
	}
	// Evaluated: a GetAtt to a nested stack output in long form resolves.
	inv := scanFiles(t, map[string]string{"t.yaml": clusterTemplate("", "Engine: aurora-mysql\nBacktrackWindow: 86400\nVpcSecurityGroupIds:\n  - Fn::GetAtt: Sg.GroupId\n") + "  Sg:\n    Type: AWS::EC2::SecurityGroup\n    Properties: {GroupDescription: x}\n"}, Options{})
	if len(inv.Diagnostics) != 0 || findCluster(t, inv, "Db").BacktrackWindow.V != 86400 {
		t.Errorf("diagnostics: %v", inv.Diagnostics)
	}
}

// TestForEach covers the loops kumoguard cannot or must not expand.
func TestForEach(t *testing.T) {
	loop := func(coll string) string {
		return "Transform: AWS::LanguageExtensions\nParameters:\n  Names: {Type: CommaDelimitedList}\nResources:\n  Fn::ForEach::Dbs:\n    - Name\n    - " + coll + "\n    - Db&{Name}:\n        Type: AWS::RDS::DBCluster\n        Properties:\n          Engine: aurora-mysql\n          BacktrackWindow: 86400\n          DBClusterIdentifier: !Ref Name\n"
	}
	t.Run("alphanumeric item names", func(t *testing.T) {
		inv := scanFiles(t, map[string]string{"t.yaml": loop("[a-1, b.2]")}, Options{})
		if c := findCluster(t, inv, "Dba1"); c.Name != "a-1" || c.Location.Line != 8 || len(c.Notes) != 1 {
			t.Errorf("cluster %+v", c)
		}
		findCluster(t, inv, "Dbb2")
	})
	t.Run("parameter given", func(t *testing.T) {
		inv := scanFiles(t, map[string]string{"t.yaml": loop("!Ref Names")}, Options{Parameters: []string{"Names=x,y,z"}})
		if len(inv.Clusters) != 3 || len(inv.Diagnostics) != 0 {
			t.Errorf("\n%s", dumpInventory(inv))
		}
	})
	t.Run("parameter without a value", func(t *testing.T) {
		inv := scanFiles(t, map[string]string{"t.yaml": loop("!Ref Names")}, Options{})
		if len(inv.Clusters) != 0 || len(inv.Diagnostics) != 1 {
			t.Fatalf("\n%s", dumpInventory(inv))
		}
		d := inv.Diagnostics[0]
		if d.Status != model.StatusUnknown || d.Location.String() != "t.yaml:5:3" || !strings.Contains(d.Message.EN, "could not expand it") || !strings.Contains(d.Message.EN, "Names") {
			t.Errorf("diagnostic %s %s %s", d.Status, d.Location, d.Message.EN)
		}
	})
	t.Run("same key twice", func(t *testing.T) {
		inv := scanFiles(t, map[string]string{"t.yaml": loop("[a, a]")}, Options{})
		if d := errorAt(inv, "t.yaml:5:3"); d == nil || !strings.Contains(d.Message.EN, `generates key "Dba" more than once`) {
			t.Errorf("\n%s", dumpInventory(inv))
		}
	})
	t.Run("wrong shape", func(t *testing.T) {
		inv := scanFiles(t, map[string]string{"t.yaml": "Resources:\n  Fn::ForEach::X:\n    - Name\n    - [a]\nOutputs: {}\n"}, Options{})
		if d := errorAt(inv, "t.yaml:3:5"); d == nil || !strings.Contains(d.Message.EN, "takes [Identifier, Collection") {
			t.Errorf("\n%s", dumpInventory(inv))
		}
	})
	t.Run("too large", func(t *testing.T) {
		items := make([]string, 300)
		for i := range items {
			items[i] = fmt.Sprintf("i%d", i)
		}
		list := "[" + strings.Join(items, ", ") + "]"
		doc := "Resources:\n  Fn::ForEach::Outer:\n    - A\n    - " + list + "\n    - Fn::ForEach::Inner:\n        - B\n        - " + list + "\n        - Q${A}x${B}:\n            Type: AWS::SQS::Queue\n            Properties: {QueueName: !Sub \"${A}-${B}\", Tags: [{Key: a, Value: b}]}\n" +
			"  Db:\n    Type: AWS::RDS::DBCluster\n    Properties: {Engine: aurora-mysql, BacktrackWindow: 86400}\n"
		inv := scanFiles(t, map[string]string{"t.yaml": doc}, Options{})
		if d := errorAt(inv, "t.yaml:2:3"); d == nil || d.Reason != model.ReasonLimitExceeded || !strings.Contains(d.Message.EN, "created by Fn::ForEach") {
			t.Errorf("\n%s", dumpInventory(inv))
		}
		if findCluster(t, inv, "Db").BacktrackWindow.V != 86400 {
			t.Error("the rest of the template must still be evaluated")
		}
	})
}

func errorAt(inv model.Inventory, at string) *model.Diagnostic {
	for i, d := range inv.Diagnostics {
		if d.Status == model.StatusError && d.Location.String() == at {
			return &inv.Diagnostics[i]
		}
	}
	return nil
}
