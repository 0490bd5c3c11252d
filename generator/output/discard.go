package output

import "io/fs"

// Discard is a Target that keeps nothing: for a build run only to check
// the site, as the check command does.
type Discard struct{}

func (Discard) Replace() (Txn, error) { return discardTxn{}, nil }
func (Discard) Update() (Txn, error)  { return discardTxn{}, nil }

type discardTxn struct{}

func (discardTxn) Write(string, []byte) error       { return nil }
func (discardTxn) Copy(string, fs.FS, string) error { return nil }
func (discardTxn) Remove(string) error              { return nil }
func (discardTxn) Commit() error                    { return nil }
func (discardTxn) Abort()                           {}
