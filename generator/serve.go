package main

import (
	"fmt"
	"io"
)

func runServe(args []string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "generator serve: not available yet")
	return 2
}

func runWatch(args []string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "generator watch: not available yet")
	return 2
}
