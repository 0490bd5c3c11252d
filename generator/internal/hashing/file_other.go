//go:build !unix

package hashing

import "os"

func file(path string, buf []byte) (uint64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	return readerSum(f, buf)
}
