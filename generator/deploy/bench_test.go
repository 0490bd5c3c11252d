package deploy

import (
	"os"
	"strconv"
	"testing"
	"time"
)

// BenchmarkDeploy deploys a generated site of DEPLOY_ARTICLES articles
// (default 10,000) to versitygw on 127.0.0.1: first into an empty bucket,
// then again after one article was edited and the site built again.
//
//	go test -run XXX -bench Deploy -benchtime 1x ./generator/deploy/
func BenchmarkDeploy(b *testing.B) {
	n := 10000
	if v, err := strconv.Atoi(os.Getenv("DEPLOY_ARTICLES")); err == nil && v > 0 {
		n = v
	}
	st := startStore(b)
	s := newSite(b, n)
	for i := range b.N {
		url := st.bucket(b, "digest"+strconv.Itoa(i), st.addr)
		start := time.Now()
		first := run(b, Options{Dir: s.out, URL: url})
		firstTime := time.Since(start)
		s.edit(b, n/2)
		start = time.Now()
		again := run(b, Options{Dir: s.out, URL: url})
		againTime := time.Since(start)
		b.ReportMetric(firstTime.Seconds(), "first-s")
		b.ReportMetric(float64(first.Uploaded), "first-files")
		b.ReportMetric(float64(first.Bytes)/1e6, "first-MB")
		b.ReportMetric(againTime.Seconds(), "edit-s")
		b.ReportMetric(float64(again.Uploaded), "edit-files")
		b.Logf("first: %s; after one edit: %s", first, again)
	}
}
