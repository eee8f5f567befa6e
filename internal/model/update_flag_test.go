package model_test

// The repository's one -update flag lives in testenv; linking it here keeps
// "go test ./... -update" valid for this package, which has no golden files.
import _ "github.com/kumoguard/kumoguard/internal/testenv"
