package output

import (
	"bytes"
	"io"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strings"
	"sync"
	"time"
)

// Memory is a site held in memory, for the preview server: it is an
// fs.FS of the files the last successful build committed.
type Memory struct {
	mu    sync.RWMutex
	files map[string]memFile
}

type memFile struct {
	data []byte
	mod  time.Time
}

// NewMemory returns an empty site.
func NewMemory() *Memory { return &Memory{files: map[string]memFile{}} }

// Open opens a file or folder of the site. A file is a map look-up; a
// folder is found by looking at every name, which only serving a path
// without its final slash does.
func (m *Memory) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	if f, ok := m.files[name]; ok {
		return &memOpen{Reader: bytes.NewReader(f.data), name: path.Base(name), f: f}, nil
	}
	prefix := name + "/"
	if name == "." {
		prefix = ""
	}
	seen := map[string]bool{}
	var entries []fs.DirEntry
	for n, f := range m.files {
		rest, ok := strings.CutPrefix(n, prefix)
		if !ok {
			continue
		}
		first, _, deeper := strings.Cut(rest, "/")
		if seen[first] {
			continue
		}
		seen[first] = true
		if deeper {
			entries = append(entries, fs.FileInfoToDirEntry(memInfo{name: first, dir: true}))
		} else {
			entries = append(entries, fs.FileInfoToDirEntry(memInfo{name: first, f: f}))
		}
	}
	if len(entries) == 0 && name != "." {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	slices.SortFunc(entries, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	return &memDir{info: memInfo{name: path.Base(name), dir: true}, entries: entries}, nil
}

// ReadFile returns a copy of a file's bytes.
func (m *Memory) ReadFile(name string) ([]byte, error) {
	m.mu.RLock()
	f, ok := m.files[name]
	m.mu.RUnlock()
	if !ok {
		return nil, &fs.PathError{Op: "read", Path: name, Err: fs.ErrNotExist}
	}
	return bytes.Clone(f.data), nil
}

// Len is how many files the site has.
func (m *Memory) Len() int {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return len(m.files)
}

// Replace begins a new site; the old one is served until Commit.
func (m *Memory) Replace() (Txn, error) {
	return &memTxn{m: m, whole: true, writes: map[string]memFile{}}, nil
}

// Update begins a change to some files.
func (m *Memory) Update() (Txn, error) { return &memTxn{m: m, writes: map[string]memFile{}}, nil }

type memTxn struct {
	m      *Memory
	whole  bool
	mu     sync.Mutex
	writes map[string]memFile
	remove []string
}

func (t *memTxn) Write(name string, data []byte) error {
	if _, err := outPath("/", name); err != nil {
		return err
	}
	f := memFile{data: bytes.Clone(data), mod: time.Now()}
	if f.data == nil {
		f.data = []byte{}
	}
	t.mu.Lock()
	t.writes[name] = f
	t.mu.Unlock()
	return nil
}

func (t *memTxn) Copy(name string, from fs.FS, fromName string) error {
	data, err := fs.ReadFile(from, fromName)
	if err != nil {
		return err
	}
	return t.Write(name, data)
}

func (t *memTxn) Remove(name string) error {
	if _, err := outPath("/", name); err != nil {
		return err
	}
	t.mu.Lock()
	t.remove = append(t.remove, name)
	t.mu.Unlock()
	return nil
}

func (t *memTxn) Commit() error {
	t.m.mu.Lock()
	defer t.m.mu.Unlock()
	if t.whole {
		t.m.files = t.writes
	} else {
		for _, name := range t.remove {
			delete(t.m.files, name)
		}
		maps.Copy(t.m.files, t.writes)
	}
	t.writes, t.remove = nil, nil
	return nil
}

func (t *memTxn) Abort() { t.writes, t.remove = nil, nil }

type memOpen struct {
	*bytes.Reader
	name string
	f    memFile
}

func (o *memOpen) Stat() (fs.FileInfo, error) { return memInfo{name: o.name, f: o.f}, nil }
func (o *memOpen) Close() error               { return nil }

var _ io.ReadSeeker = (*memOpen)(nil)

type memInfo struct {
	name string
	f    memFile
	dir  bool
}

func (i memInfo) Name() string { return i.name }
func (i memInfo) Size() int64  { return int64(len(i.f.data)) }
func (i memInfo) Mode() fs.FileMode {
	if i.dir {
		return fs.ModeDir | 0o555
	}
	return 0o444
}
func (i memInfo) ModTime() time.Time { return i.f.mod }
func (i memInfo) IsDir() bool        { return i.dir }
func (i memInfo) Sys() any           { return nil }

type memDir struct {
	info    memInfo
	entries []fs.DirEntry
	read    int
}

func (d *memDir) Stat() (fs.FileInfo, error) { return d.info, nil }
func (d *memDir) Close() error               { return nil }
func (d *memDir) Read([]byte) (int, error) {
	return 0, &fs.PathError{Op: "read", Path: d.info.name, Err: fs.ErrInvalid}
}

func (d *memDir) ReadDir(n int) ([]fs.DirEntry, error) {
	rest := d.entries[d.read:]
	if n <= 0 {
		d.read = len(d.entries)
		return rest, nil
	}
	if len(rest) == 0 {
		return nil, io.EOF
	}
	rest = rest[:min(n, len(rest))]
	d.read += len(rest)
	return rest, nil
}
