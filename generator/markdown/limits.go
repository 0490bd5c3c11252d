package markdown

import (
	"bytes"
	"fmt"
)

// Limits that keep one hostile or broken file from stalling a build. The
// parser's time grows with the square of how deeply quotes and lists nest
// on one line, and with the square of a line's length when the line is
// full of unclosed links ("[a](" or "[a](<" repeated): each one is read to
// the next space, or to the next '>', again and again. No article comes
// near either limit.
const (
	// MaxNesting is the most quote and list markers one line may start with.
	MaxNesting = 32
	// MaxLinkScan bounds the bytes the parser may read looking for the end
	// of link addresses in one file, counted as the distance from each
	// "](" to the next space (from each "](<" to the next '>'). A thousand
	// ordinary links cost about 100 KB.
	MaxLinkScan = 64 << 20
	// MaxFootnotes is the most footnotes one article may define: the
	// footnote extension's time grows with the square of their number
	// (30,000 take 16 s), and a long report has a few dozen.
	MaxFootnotes = 1000
)

// LimitError is Markdown that is over one of the limits.
type LimitError struct {
	Line int // counted from the first line of the Markdown given
	Msg  string
	Fix  string
}

func (e *LimitError) Error() string { return fmt.Sprintf("line %d: %s: %s", e.Line, e.Msg, e.Fix) }

// Check reports the first line of src that is over a limit, in one pass.
func Check(src []byte) error {
	scan, notes := 0, 0
	for line := 1; len(src) > 0; line++ {
		l := src
		if i := bytes.IndexByte(src, '\n'); i >= 0 {
			l, src = src[:i], src[i+1:]
		} else {
			src = nil
		}
		if n := nesting(l); n > MaxNesting {
			return &LimitError{Line: line, Msg: fmt.Sprintf("the line starts %d quotes or lists deep, more than the %d allowed", n, MaxNesting),
				Fix: "remove some of the '>', '-', '*', '+' or '1.' markers at its start"}
		}
		if isFootnote(l) {
			if notes++; notes > MaxFootnotes {
				return &LimitError{Line: line, Msg: fmt.Sprintf("this is footnote %d, more than the %d an article may have", notes, MaxFootnotes),
					Fix: "split the article, or turn some footnotes into text or links"}
			}
		}
		if scan += linkScan(l); scan > MaxLinkScan {
			return &LimitError{Line: line, Msg: "the line has so many link addresses that never end (such as '[a](' without ')') that reading them would stall the build",
				Fix: "close each link address with ')', or write \\[ for a '[' that does not start a link"}
		}
	}
	return nil
}

// isFootnote reports whether line l defines a footnote: "[^label]:" after
// at most three spaces.
func isFootnote(l []byte) bool {
	l = bytes.TrimLeft(l, " ")
	if !bytes.HasPrefix(l, []byte("[^")) {
		return false
	}
	i := bytes.Index(l, []byte("]:"))
	return i > 2 && bytes.IndexByte(l[:i], ']') < 0
}

// linkScan is how far the parser reads on line l for link addresses: from
// each "](" to the next space, from each "](<" to the next '>'.
func linkScan(l []byte) int {
	n, space, gt := 0, len(l), len(l)
	for i := len(l) - 1; i >= 0; i-- {
		switch l[i] {
		case ' ', '\t', '\r', '\v', '\f':
			space = i
		case '>':
			gt = i
		case ']':
			if i+1 < len(l) && l[i+1] == '(' {
				if i+2 < len(l) && l[i+2] == '<' {
					n += gt - i
				} else {
					n += space - i
				}
			}
		}
	}
	return n
}

// nesting counts the block quote and list markers a line starts with.
// A thematic break ("- - -", "* * *") is not nesting.
func nesting(l []byte) int {
	if isBreak(l) {
		return 0
	}
	n, i := 0, 0
	for {
		for i < len(l) && (l[i] == ' ' || l[i] == '\t') {
			i++
		}
		switch {
		case i < len(l) && l[i] == '>':
			i++
		case i < len(l) && (l[i] == '-' || l[i] == '*' || l[i] == '+') && endsMarker(l, i+1):
			i++
		default:
			j := i
			for j < len(l) && j-i < 9 && l[j] >= '0' && l[j] <= '9' {
				j++
			}
			if j == i || j >= len(l) || (l[j] != '.' && l[j] != ')') || !endsMarker(l, j+1) {
				return n
			}
			i = j + 1
		}
		n++
	}
}

// isBreak reports whether l is a thematic break: three or more of one
// of '-', '*', '_', with only spaces or tabs between.
func isBreak(l []byte) bool {
	var c byte
	count := 0
	for _, b := range bytes.TrimRight(l, "\r") {
		switch {
		case b == ' ' || b == '\t':
		case (b == '-' || b == '*' || b == '_') && (c == 0 || b == c):
			c = b
			count++
		default:
			return false
		}
	}
	return count >= 3
}

// endsMarker reports whether a list marker ending before l[i] is one: it
// is followed by a space, a tab or the end of the line.
func endsMarker(l []byte, i int) bool {
	return i >= len(l) || l[i] == ' ' || l[i] == '\t' || l[i] == '\r'
}
