// Command cloudformation-bench measures kumoguard's CloudFormation source on
// generated templates: wall time, allocations and (with /usr/bin/time -v)
// peak RSS.
//
//	go build -o /tmp/cfn-bench ./bench/cloudformation
//	/usr/bin/time -v /tmp/cfn-bench -templates 1000 -clusters 5 -runs 5
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"sort"
	"syscall"
	"time"

	"github.com/kumoguard/kumoguard/bench/cloudformation/corpus"
	"github.com/kumoguard/kumoguard/internal/source/cloudformation"
)

func main() {
	templates := flag.Int("templates", 1000, "number of templates")
	clusters := flag.Int("clusters", 5, "DB clusters per template")
	runs := flag.Int("runs", 5, "scans to time")
	flag.Parse()

	dir, err := os.MkdirTemp("", "kumoguard-cfn-bench-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	defer os.RemoveAll(dir)
	paths, err := corpus.Write(dir, *templates, *clusters)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}

	var times []time.Duration
	var allocs, bytes uint64
	var cpu time.Duration
	for i := 0; i < *runs; i++ {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		cpuBefore := cpuTime()
		start := time.Now()
		inv := cloudformation.Scan(paths, cloudformation.Options{Root: dir})
		times = append(times, time.Since(start))
		cpu += cpuTime() - cpuBefore
		runtime.ReadMemStats(&after)
		allocs += after.Mallocs - before.Mallocs
		bytes += after.TotalAlloc - before.TotalAlloc
		if want := *templates * *clusters; len(inv.Clusters) != want || len(inv.Diagnostics) != 0 {
			fmt.Fprintf(os.Stderr, "unexpected result: %d clusters (want %d), %d diagnostics\n", len(inv.Clusters), want, len(inv.Diagnostics))
			os.Exit(1)
		}
	}
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	fmt.Printf("templates=%d clusters/template=%d runs=%d GOMAXPROCS=%d\n", *templates, *clusters, *runs, runtime.GOMAXPROCS(0))
	fmt.Printf("scan time: min %s, median %s, max %s\n", times[0].Round(time.Millisecond), times[len(times)/2].Round(time.Millisecond), times[len(times)-1].Round(time.Millisecond))
	fmt.Printf("per scan: %d allocations, %.1f MB allocated, %s CPU (user+system)\n", allocs/uint64(*runs), float64(bytes)/float64(*runs)/1e6, (cpu / time.Duration(*runs)).Round(time.Millisecond))
}

// cpuTime is the process's user+system CPU time so far. On a shared machine
// it says what a scan costs better than wall time does.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
