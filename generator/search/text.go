// Package search makes the site's offline search index: words are folded,
// stop words dropped and the rest stemmed (Tala's rules for Indonesian,
// Porter2 for English, by each article's language), and every article's
// set of terms becomes posting lists of small article numbers, written as
// content-hashed shards that a browser fetches only as a query needs them.
//
// The theme's static/js/search.js does the same folding, stop words and
// stemming on the query; a test runs both on one word list.
package search

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/kljensen/snowball/english"
	"golang.org/x/text/unicode/norm"
)

// MaxWord is the longest word indexed, in bytes after folding: longer runs
// of letters are not words a reader types, and would bloat the index.
const MaxWord = 40

// Fold lower-cases s and drops its diacritics: "Éksport" becomes "eksport".
func Fold(s string) string {
	if isPlainLower(s) {
		return s
	}
	if isASCII(s) {
		return strings.ToLower(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range norm.NFD.String(s) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func isPlainLower(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf || c >= 'A' && c <= 'Z' {
			return false
		}
	}
	return true
}

// Words calls fn with each folded word of s: a run of letters and digits
// of two to MaxWord bytes. Anything else (space, punctuation, a hyphen,
// an apostrophe) separates words.
func Words(s string, fn func(w string)) {
	s = Fold(s)
	start := -1
	for i, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			emit(s[start:i], fn)
			start = -1
		}
	}
	if start >= 0 {
		emit(s[start:], fn)
	}
}

func emit(w string, fn func(string)) {
	if len(w) >= 2 && len(w) <= MaxWord {
		fn(w)
	}
}

// Stemmer is the stemming of one language.
type Stemmer func(word string) string

// ForLang returns the stemmer for a language code: Indonesian (and Malay,
// which shares its affixes) by Tala's rules, English by Porter2; other
// languages are folded only.
func ForLang(code string) Stemmer {
	code = strings.ToLower(code)
	base, _, _ := strings.Cut(code, "-")
	base, _, _ = strings.Cut(base, "_")
	switch base {
	case "id", "ms":
		return StemIndonesian
	case "en":
		return StemEnglish
	}
	return func(w string) string { return w }
}

// StemEnglish is the Porter2 stem of a folded English word.
func StemEnglish(w string) string {
	if !isASCIILetters(w) {
		return w
	}
	return english.Stem(w, true)
}

func isASCIILetters(w string) bool {
	for i := 0; i < len(w); i++ {
		if c := w[i]; c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

// Terms calls fn with the term of every word of texts that is not a stop
// word, stemmed by stem; a term may come more than once.
func Terms(stem Stemmer, fn func(term string), texts ...string) {
	for _, t := range texts {
		Words(t, func(w string) {
			if !IsStopWord(w) {
				fn(stem(w))
			}
		})
	}
}
