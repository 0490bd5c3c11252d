// Package cores runs a loop's iterations on every core.
package cores

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// For runs fn(0..n-1) on all cores, each index once, and returns when
// all are done.
func For(n int, fn func(i int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(n, runtime.GOMAXPROCS(0)) {
		wg.Go(func() {
			for k := int(next.Add(1) - 1); k < n; k = int(next.Add(1) - 1) {
				fn(k)
			}
		})
	}
	wg.Wait()
}
