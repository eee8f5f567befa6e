package terraform

import (
	"encoding/json"
	"os"
	"testing"
)

func TestDebugDump(t *testing.T) {
	dir := os.Getenv("KG_DUMP")
	if dir == "" {
		t.Skip()
	}
	inv := Scan([]string{dir}, Options{Root: "testdata"})
	b, _ := json.MarshalIndent(inv, "", " ")
	t.Log(string(b))
}
