package terraform

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/kumoguard/kumoguard/internal/model"
)

// instance is one module instance being evaluated: the root module, or a
// module call (one per count index or for_each key).
type instance struct {
	s      *scanner
	def    *moduleDef
	root   *rootModule
	addr   string   // "" for the root; "module.a[0].module.b"
	keys   []string // module call names from the root, for modules.json keys
	parent *instance
	call   *moduleCall
	rep    rep // the module call's count/for_each repetition, in the parent

	// expansionNote is set when this instance stands for a module call
	// whose count/for_each could not be resolved.
	expansionNote *model.Text

	vars       map[string]*varValue
	varObj     cty.Value
	locals     map[string]*lazy
	localObjs  map[string]cty.Value
	expansions map[*resourceDecl]*expansion
	outputs    map[string]*lazy
	attrs      map[attrKey]*lazy
	children   map[string]*childCall
}

// lazyState is how far a lazily evaluated value has got; a value found
// evaluating when it is asked for refers to itself.
type lazyState uint8

const (
	lazyNew        lazyState = iota // not evaluated yet
	lazyEvaluating                  // being evaluated (a reference back to it is a cycle)
	lazyDone                        // evaluated: val holds the value
)

type lazy struct {
	state lazyState
	val   cty.Value
	size  int64 // string bytes of val, measured on first use; -1 before (budget.go)
}

type attrKey struct {
	res  *resourceDecl
	key  string // instance key ("" when not expanded)
	attr string
}

// varValue is the value of one input variable of an instance, with where it came from.
type varValue struct {
	val    cty.Value
	origin model.OriginKind // "" when the variable has no value
	name   string
	expr   hcl.Expression // defining expression (default, tfvars value, module argument)
	// For OriginVarFlag / OriginEnvironment: the raw text (never copied into output).
}

func newInstance(s *scanner, def *moduleDef, root *rootModule) *instance {
	return &instance{s: s, def: def, root: root, locals: map[string]*lazy{}, outputs: map[string]*lazy{},
		attrs: map[attrKey]*lazy{}, children: map[string]*childCall{}}
}

// prefix is the address prefix of resources in this instance ("module.a.").
func (in *instance) prefix() string {
	if in.addr == "" {
		return ""
	}
	return in.addr + "."
}
