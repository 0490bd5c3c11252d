// Command generator is kabar, run from a clone of its repository:
//
//	go run ./generator build   # content/ -> public/
//	go run ./generator serve   # preview with live reload
//
// The same command installs as kabar from ./generator/cmd/kabar.
package main

import (
	"os"

	"github.com/kabar-news/kabar/generator/cli"
)

func main() { os.Exit(cli.Main()) }
