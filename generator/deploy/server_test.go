package deploy

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"
)

// The tests of the deploy's plan run against two kinds of bucket (see
// eachStore): a folder through file://, which needs no server, and
// versitygw, a real S3 server over a local folder, started on 127.0.0.1
// by each test, for the S3 protocol. versitygw is looked for on PATH, then
// in GOPATH/bin (where ci.yml's and .ci/run's go install put it). Without
// it the S3 tests fail in CI (CI is set) and are skipped elsewhere, saying
// how to get it; the file:// ones run everywhere.
const versitygwInstall = "go install github.com/versity/versitygw/cmd/versitygw@v1.8.0"

const (
	accessKey = "kabar-test"
	secretKey = "kabar-test-secret"
)

func versitygw(t testing.TB) string {
	t.Helper()
	if p, err := exec.LookPath("versitygw"); err == nil {
		return p
	}
	gopath, _ := exec.Command("go", "env", "GOPATH").Output()
	p := filepath.Join(string(trimNL(gopath)), "bin", "versitygw")
	if _, err := os.Stat(p); err == nil {
		return p
	}
	msg := "versitygw is not installed (not on PATH, nor in GOPATH/bin): " + versitygwInstall
	if os.Getenv("CI") != "" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

func trimNL(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == '\r') {
		b = b[:len(b)-1]
	}
	return b
}

// eachStore runs test once against each kind of bucket, as subtests
// named file and s3. newBucket makes a new, empty bucket and returns its
// URL.
func eachStore(t *testing.T, test func(t *testing.T, newBucket func() string)) {
	t.Run("file", func(t *testing.T) {
		test(t, func() string { return "file://" + filepath.ToSlash(t.TempDir()) })
	})
	t.Run("s3", func(t *testing.T) {
		st := startStore(t)
		n := 0
		test(t, func() string {
			n++
			return st.bucket(t, fmt.Sprintf("digest%d", n), st.addr)
		})
	})
}

// store is one S3 server with its folder.
type store struct {
	addr string // host:port
	dir  string // the folder holding one folder per bucket
}

// startStore starts versitygw on a free port of 127.0.0.1, stopped when
// the test ends, and sets the credentials every S3 client here reads.
func startStore(t testing.TB) *store {
	t.Helper()
	bin := versitygw(t)
	t.Setenv("AWS_ACCESS_KEY_ID", accessKey)
	t.Setenv("AWS_SECRET_ACCESS_KEY", secretKey)
	t.Setenv("AWS_REGION", "us-east-1")
	// No profile of the machine's may change what the tests see.
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	s := &store{addr: freeAddr(t), dir: t.TempDir()}
	cmd := exec.Command(bin, "--port", s.addr, "--access", accessKey, "--secret", secretKey, "posix", s.dir)
	log, err := os.Create(filepath.Join(t.TempDir(), "versitygw.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		log.Close()
	})
	deadline := time.Now().Add(20 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", s.addr, time.Second)
		if err == nil {
			c.Close()
			return s
		}
		if time.Now().After(deadline) {
			data, _ := os.ReadFile(log.Name())
			t.Fatalf("versitygw did not listen on %s: %v\n%s", s.addr, err, data)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func freeAddr(t testing.TB) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// bucket makes a new, empty bucket and returns its URL through addr (the
// server itself, or a proxy in front of it).
func (s *store) bucket(t testing.TB, name, addr string) string {
	t.Helper()
	if err := os.Mkdir(filepath.Join(s.dir, name), 0o755); err != nil {
		t.Fatal(err)
	}
	return bucketURL(name, addr)
}

func bucketURL(name, addr string) string {
	return fmt.Sprintf("s3://%s?endpoint=http://%s&region=us-east-1&use_path_style=true", name, addr)
}

// flaky is a reverse proxy on 127.0.0.1 in front of the server that
// answers every third request with 503 Service Unavailable instead of
// passing it on.
type flaky struct {
	addr             string
	requests, failed atomic.Int64
	// passAll, when above 0, makes the proxy pass that many requests and
	// fail every one after them: a store that goes away mid-deploy.
	passAll int64
}

func startFlaky(t testing.TB, target string) *flaky { return startProxy(t, target, 0) }

func startProxy(t testing.TB, target string, passAll int64) *flaky {
	t.Helper()
	u, _ := url.Parse("http://" + target)
	proxy := httputil.NewSingleHostReverseProxy(u)
	f := &flaky{passAll: passAll}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f.addr = l.Addr().String()
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := f.requests.Add(1)
		if f.passAll > 0 && n > f.passAll || f.passAll == 0 && n%3 == 0 {
			f.failed.Add(1)
			w.Header().Set("Content-Type", "application/xml")
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprint(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>ServiceUnavailable</Code><Message>every third request fails</Message></Error>`)
			return
		}
		// The request is signed for the proxy's host; it keeps it.
		proxy.ServeHTTP(w, r)
	})}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Shutdown(context.Background()) })
	return f
}
