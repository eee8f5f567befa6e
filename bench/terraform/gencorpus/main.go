// Command gencorpus writes the synthetic Terraform benchmark corpus
// (2,000 .tf files, 5,000 Aurora clusters, deterministic):
//
//	go run ./bench/terraform/gencorpus -out /tmp/kg-corpus
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/kumoguard/kumoguard/bench/terraform/corpus"
)

func main() {
	out := flag.String("out", "", "directory to write the corpus into (created; must be empty or absent)")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "usage: gencorpus -out DIR")
		os.Exit(2)
	}
	if ents, err := os.ReadDir(*out); err == nil && len(ents) > 0 {
		fmt.Fprintf(os.Stderr, "gencorpus: %s is not empty\n", *out)
		os.Exit(2)
	}
	st, err := corpus.Generate(*out, corpus.Default)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gencorpus:", err)
		os.Exit(1)
	}
	fmt.Printf("wrote %d .tf files declaring %d clusters under %s\n", st.TFFiles, st.Clusters, *out)
}
