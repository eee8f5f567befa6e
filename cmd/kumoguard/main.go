// Command kumoguard checks Aurora MySQL backtrack posture in infrastructure
// as code and live AWS.
package main

import (
	"os"

	"github.com/kumoguard/kumoguard/internal/cli"
)

func main() { os.Exit(cli.Execute()) }
