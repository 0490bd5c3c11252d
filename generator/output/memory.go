package output

import (
	"bytes"
	"io"
	"io/fs"
	"maps"
	"path"
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

// Open opens a file of the site. Folders are not listed: a name that is
// not a file is not found.
func (m *Memory) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	m.mu.RLock()
	f, ok := m.files[name]
	m.mu.RUnlock()
	if !ok {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return &memOpen{Reader: bytes.NewReader(f.data), name: path.Base(name), f: f}, nil
}

// ReadFile returns a file's bytes; they must not be changed.
func (m *Memory) ReadFile(name string) ([]byte, error) {
	m.mu.RLock()
	f, ok := m.files[name]
	m.mu.RUnlock()
	if !ok {
		return nil, &fs.PathError{Op: "read", Path: name, Err: fs.ErrNotExist}
	}
	return f.data, nil
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

func (o *memOpen) Stat() (fs.FileInfo, error) { return memInfo{o.name, o.f}, nil }
func (o *memOpen) Close() error               { return nil }

var _ io.ReadSeeker = (*memOpen)(nil)

type memInfo struct {
	name string
	f    memFile
}

func (i memInfo) Name() string       { return i.name }
func (i memInfo) Size() int64        { return int64(len(i.f.data)) }
func (i memInfo) Mode() fs.FileMode  { return 0o444 }
func (i memInfo) ModTime() time.Time { return i.f.mod }
func (i memInfo) IsDir() bool        { return false }
func (i memInfo) Sys() any           { return nil }
