package search

import "strings"

// stopWords are words too common in Indonesian or English news to find
// anything with: dropped from the index and from queries. static/js/search.js
// holds the same list; a test compares them.
var stopWords = makeSet(`
	ada adalah agar akan aku anda antara apa atau bagi bahwa baik banyak belum bisa
	dalam dan dapat dari dengan di dia hal hanya harus hingga ia ialah ini itu jika
	juga kami kamu karena ke kita lagi lain lalu masih mereka namun oleh pada para
	saat saja sampai sangat satu secara sebagai sedang sejak sekitar selain seperti
	serta setelah sudah tak tanpa telah tentang tersebut tetapi tidak untuk yaitu
	yakni yang
	a an and are as at be been but by for from had has have he her his if in into
	is it its not of on or our she that the their them there they this to was we
	were which who will with you
`)

func makeSet(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

// IsStopWord reports whether a folded word is left out of the index.
func IsStopWord(w string) bool { return stopWords[w] }

// StopWords lists the stop words, sorted.
func StopWords() []string { return sortedSet(stopWords) }
