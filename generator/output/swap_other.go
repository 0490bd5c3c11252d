//go:build !linux

package output

func swap(tmp, dir string) error { return swapTwoSteps(tmp, dir) }
