// Command kabar builds a static news digest from Markdown articles:
//
//	go install github.com/kabar-news/kabar/generator/cmd/kabar@latest
//	kabar build   # content/ -> public/
//	kabar serve   # preview with live reload
package main

import (
	"os"

	"github.com/kabar-news/kabar/generator/cli"
)

func main() { os.Exit(cli.Main()) }
