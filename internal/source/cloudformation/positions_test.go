package cloudformation

import (
	"strings"
	"testing"
)

// TestExactColumns pins the columns of values written after YAML tags (the
// parser places a tagged node at its tag; nodePos finds the value).
func TestExactColumns(t *testing.T) {
	line := `      BacktrackWindow: !If [IsProd, !FindInMap [Env, !Ref Env, Window], !Ref "AWS::NoValue"]`
	root, _, msg, ok := parseDocument([]byte("Properties:\n" + line + "\n"))
	if !ok {
		t.Fatal(msg.EN)
	}
	n := root.get("Properties").get("BacktrackWindow")
	col := func(s string) int32 { return int32(strings.Index(line, s) + 1) }
	_, ifArgs, _ := n.intrinsic()
	_, fim, _ := ifArgs.vals[1].intrinsic()
	_, ref, _ := ifArgs.vals[2].intrinsic()
	for _, c := range []struct {
		what string
		got  pos
		want int32
	}{
		{"!If", n.pos, col("!If")},
		{"IsProd", ifArgs.vals[0].pos, col("IsProd")},
		{"!FindInMap", ifArgs.vals[1].pos, col("!FindInMap")},
		{"Env map", fim.vals[0].pos, col("Env")},
		{"Window", fim.vals[2].pos, col(", Window") + 2},
		{"second !Ref", ifArgs.vals[2].pos, col(`!Ref "AWS`)},
		{"AWS::NoValue", ref.pos, col(`"AWS::NoValue"`)},
	} {
		if c.got.line != 2 || c.got.col != c.want {
			t.Errorf("%s at %d:%d, want 2:%d", c.what, c.got.line, c.got.col, c.want)
		}
	}
}
