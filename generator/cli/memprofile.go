package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/metrics"
	"runtime/pprof"
	"time"
)

// profileHeap writes a heap profile to file each time the live heap has
// grown by a tenth past the last peak written, so that what is left in
// the file when the process ends is the heap at about its peak: the
// moment a build holds the most, which is what memory is bought for. The
// runtime publishes a profile two collections after the heap it shows,
// so each is written two collections after its peak was seen. It runs
// until the process ends. Set by KABAR_MEMPROFILE.
func profileHeap(file string, stderr io.Writer) {
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}, {Name: "/gc/cycles/total:gc-cycles"}}
	var peak uint64 = 16 << 20 // below this, there is nothing to see
	var due uint64             // the collection after which to write, 0 for none
	go func() {
		for range time.Tick(50 * time.Millisecond) {
			metrics.Read(sample)
			if sample[0].Value.Kind() != metrics.KindUint64 || sample[1].Value.Kind() != metrics.KindUint64 {
				return
			}
			live, cycles := sample[0].Value.Uint64(), sample[1].Value.Uint64()
			if live >= peak+peak/10 {
				peak, due = live, cycles+2
			}
			if due == 0 || cycles < due {
				continue
			}
			due = 0
			if err := writeHeapProfile(file); err != nil {
				fmt.Fprintf(stderr, "kabar: KABAR_MEMPROFILE: %v\n", err)
				return
			}
		}
	}()
}

// writeHeapProfile replaces file with the heap profile as of the last
// collection, whole or not at all.
func writeHeapProfile(file string) error {
	tmp, err := os.CreateTemp(filepath.Dir(file), ".heap-")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := pprof.Lookup("heap").WriteTo(tmp, 0); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), file)
}

// profileCPU profiles the command's CPU time into file, until the
// returned function is called. Set by KABAR_CPUPROFILE.
func profileCPU(file string, stderr io.Writer) func() {
	f, err := os.Create(file)
	if err == nil {
		err = pprof.StartCPUProfile(f)
	}
	if err != nil {
		fmt.Fprintf(stderr, "kabar: KABAR_CPUPROFILE: %v\n", err)
		return func() {}
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}
}
