//go:build race

package testenv

// RaceEnabled is true when the tests run under the race detector (-race),
// which makes code 2-20 times slower: a wall-clock bound meant to catch an
// exponential blow-up must not be checked then.
const RaceEnabled = true
