// Package parallel runs independent work items on a bounded number of
// goroutines, for the sources that parse many files.
package parallel

import (
	"sync"
	"sync/atomic"
)

// For calls f(0), …, f(n-1) on at most workers goroutines and returns when
// all have returned. With workers <= 1 it runs them in order on the caller's
// goroutine.
func For(n, workers int, f func(i int)) {
	if workers > n {
		workers = n
	}
	if workers <= 1 {
		for i := 0; i < n; i++ {
			f(i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				f(i)
			}
		}()
	}
	wg.Wait()
}
