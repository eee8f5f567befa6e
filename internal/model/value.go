package model

// ValueState says what a source could tell about one attribute.
type ValueState int

const (
	// Absent: the attribute is not written at all, so the platform default applies
	// (for BacktrackWindow that default is 0, disabled:
	// https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBCluster.html).
	Absent ValueState = iota
	// Known: the value was resolved.
	Known
	// Unknown: the value depends on something the source could not resolve
	// (an unset variable, a module not downloaded, a parameter without default).
	Unknown
	// Invalid: the value is present but not of the expected type or form.
	Invalid
)

func (s ValueState) String() string {
	switch s {
	case Absent:
		return "absent"
	case Known:
		return "known"
	case Unknown:
		return "unknown"
	case Invalid:
		return "invalid"
	}
	return "?"
}

// OriginKind names the kind of place a value was written.
type OriginKind string

const (
	OriginAttribute        OriginKind = "attribute"         // written on the resource itself
	OriginVariableDefault  OriginKind = "variable_default"  // Terraform variable default
	OriginVarFile          OriginKind = "var_file"          // terraform.tfvars, *.auto.tfvars, --var-file
	OriginVarFlag          OriginKind = "var_flag"          // --var on the command line
	OriginEnvironment      OriginKind = "environment"       // TF_VAR_name
	OriginLocal            OriginKind = "local"             // locals { }
	OriginModuleArgument   OriginKind = "module_argument"   // module "x" { name = ... }
	OriginParameterDefault OriginKind = "parameter_default" // CloudFormation Parameters.X.Default
	OriginParameterFile    OriginKind = "parameter_file"    // --parameter-file
	OriginParameterFlag    OriginKind = "parameter_flag"    // --parameter Key=Value
	OriginMapping          OriginKind = "mapping"           // CloudFormation Mappings
	OriginPlan             OriginKind = "plan"              // terraform plan JSON
	OriginAPI              OriginKind = "api"               // live AWS API
	OriginReference        OriginKind = "reference"         // another resource's configured argument
)

// OriginModuleCall is a module call that does not set the input, so the
// module's variable default (the next step) applies. Location is the call's
// header in the calling module: setting the input there changes that caller
// (that root) only, where editing the default would change every caller.
const OriginModuleCall OriginKind = "module_call"

// Origin is one step in a value's provenance: the place it was written and
// what that place is. Provenance runs from the attribute that uses the value
// to the place that finally defines it, so a fixer edits the last step.
type Origin struct {
	Kind OriginKind `json:"kind"`
	Name string     `json:"name,omitempty"` // variable, local, parameter or module argument name
	// Key is the map key or object attribute inside the named value that
	// Location points at, when the value is one entry of a collection
	// (backtrack_windows = { staging = 72 }: Name backtrack_windows, Key staging).
	Key      string   `json:"key,omitempty"`
	Location Location `json:"location"`
	// Expression is the source text of the expression at Location when the
	// value is computed there (var.hours * 3600, max(var.w, 3600)) rather
	// than written as it is. The steps after it, if any, are where the
	// expression's one input is defined: they hold the input's value, not
	// the value itself, so a fixer must not write the value there.
	Expression string `json:"expression,omitempty"`
}

// Value is an attribute as a source saw it: its value if known, where it was
// set, why it is unknown or invalid, and the chain of places it came from.
type Value[T comparable] struct {
	V     T
	State ValueState
	// Where is the expression that decides the value (for Absent: zero; the
	// resource's location applies).
	Where Location
	// Why explains an Unknown or Invalid value: what is missing, or what was expected.
	Why Text
	// Provenance lists where the value was defined, from use to definition.
	Provenance []Origin
	// Sensitive is true when the value comes from a Terraform variable
	// declared sensitive or a CloudFormation NoEcho parameter: it is judged,
	// but no message, detail or diff shows it.
	Sensitive bool `json:"sensitive,omitempty"`
	// Candidates holds every value the attribute can take when it is Unknown
	// but its possibilities are enumerable (both branches of a conditional whose
	// condition is unknown). Empty when the possibilities are open.
	Candidates []T
}

// KnownValue builds a resolved value.
func KnownValue[T comparable](v T, where Location, provenance ...Origin) Value[T] {
	return Value[T]{V: v, State: Known, Where: where, Provenance: provenance}
}

// UnknownValue builds a value that could not be resolved, with the reason.
func UnknownValue[T comparable](where Location, why Text, candidates ...T) Value[T] {
	return Value[T]{State: Unknown, Where: where, Why: why, Candidates: candidates}
}

// InvalidValue builds a value that is present but malformed, saying what was expected.
func InvalidValue[T comparable](where Location, why Text) Value[T] {
	return Value[T]{State: Invalid, Where: where, Why: why}
}

// IsKnown reports whether the value was resolved.
func (v Value[T]) IsKnown() bool { return v.State == Known }

// Get returns the value and whether it is known.
func (v Value[T]) Get() (T, bool) { return v.V, v.State == Known }

// Possible returns the values the attribute can take: the value when Known,
// the candidates when Unknown with enumerable possibilities, nil otherwise.
func (v Value[T]) Possible() []T {
	switch v.State {
	case Known:
		return []T{v.V}
	case Unknown:
		return v.Candidates
	}
	return nil
}
