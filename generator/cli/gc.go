package cli

import (
	"runtime/debug"
	"runtime/metrics"
	"time"
)

// tuneGC sets how far the heap may grow past what is live: five times
// while that is small, so that a build of a few thousand articles, which
// allocates many short-lived pages, collects rarely; less and less as the
// live heap (the model of a large archive) grows, down to one and a half
// times, so that a million articles still fit in memory. Past small, the
// heap may grow by 4*small beyond what is live: with 128 MB, a build of
// 100,000 articles (about 600 MB live) peaks at 1.3 GB instead of 1.8 GB
// for some 7% more CPU time. It runs until the process ends.
func tuneGC() {
	const small = 128 << 20 // live bytes up to which the heap may be 5x
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	current := 400
	debug.SetGCPercent(current)
	go func() {
		for range time.Tick(50 * time.Millisecond) {
			metrics.Read(sample)
			if sample[0].Value.Kind() != metrics.KindUint64 {
				return
			}
			percent := gcPercent(sample[0].Value.Uint64(), small)
			if percent != current {
				current = percent
				debug.SetGCPercent(percent)
			}
		}
	}()
}

// gcPercent is the GOGC for a live heap of live bytes.
func gcPercent(live, small uint64) int {
	if live <= small {
		return 400
	}
	return max(50, int(400*small/live))
}
