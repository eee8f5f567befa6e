// Command rss scans a directory once with the Terraform source and prints
// the time taken and the peak resident set size (VmHWM), for the README's
// benchmark figures:
//
//	go run ./bench/terraform/gencorpus -out /tmp/kg-corpus
//	go run ./bench/terraform/rss /tmp/kg-corpus
package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"
	"syscall"
	"time"

	"github.com/kumoguard/kumoguard/internal/source/terraform"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: rss DIR")
		os.Exit(2)
	}
	dir := os.Args[1]
	cpu0 := cpuTime()
	start := time.Now()
	inv := terraform.Scan([]string{dir}, terraform.Options{Root: dir})
	elapsed := time.Since(start)
	cpu := cpuTime() - cpu0
	fmt.Printf("scan: %v, %d .tf files, %d modules, %d clusters, %d diagnostics\n", elapsed.Round(time.Millisecond),
		inv.Coverage["terraform_files"], inv.Coverage["terraform_modules"], len(inv.Clusters), len(inv.Diagnostics))
	fmt.Printf("CPU time (user+sys, all cores): %v\n", cpu.Round(time.Millisecond))
	fmt.Printf("peak RSS (VmHWM): %s\n", vmHWM())
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func vmHWM() string {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return "unavailable (" + err.Error() + ")"
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "VmHWM:") {
			return strings.TrimSpace(strings.TrimPrefix(sc.Text(), "VmHWM:"))
		}
	}
	return "unavailable"
}
