package search

// StemIndonesian stems a folded Indonesian word by the rules of Tala's
// stemmer ("A Study of Stemming Effects on Information Retrieval in Bahasa
// Indonesia", 2003), in the order Lucene's IndonesianStemmer applies them,
// with no dictionary:
//
//  1. a particle: -kah, -lah, -pun;
//  2. a possessive pronoun: -ku, -mu, -nya;
//  3. a first-order prefix: meng-, meny- (before a vowel, to s-), men-,
//     mem-, me-, peng-, peny- (before a vowel, to s-), pen- (before a vowel,
//     to t-), pem-, di-, ter-, ke-;
//  4. if one was removed: a suffix (-kan, -an, -i), then a second-order
//     prefix (ber-, be- before C-er, per-, pe-); else the second-order
//     prefix, then the suffix.
//
// Each step needs the word to have more than two syllables (vowels) left,
// and a suffix is kept when the prefix removed cannot take it: -kan not
// after ke-, peng- or pe-; -an not after di-, meng- or ter-; -i not after
// ber-, ke- or peng-, nor in -si.
func StemIndonesian(w string) string {
	if !isASCIILetters(w) {
		return w
	}
	s := talaState{word: []byte(w)}
	for _, c := range s.word {
		if isVowel(c) {
			s.syllables++
		}
	}
	if s.syllables > 2 {
		s.removeParticle()
	}
	if s.syllables > 2 {
		s.removePossessive()
	}
	if s.syllables > 2 {
		before := len(s.word)
		s.removeFirstPrefix()
		if len(s.word) != before {
			before = len(s.word)
			if s.syllables > 2 {
				s.removeSuffix()
			}
			if len(s.word) != before && s.syllables > 2 {
				s.removeSecondPrefix()
			}
		} else {
			s.removeSecondPrefix()
			if s.syllables > 2 {
				s.removeSuffix()
			}
		}
	}
	return string(s.word)
}

// The prefixes removed, which decide which suffixes may go.
const (
	removedDI = 1 << iota
	removedMENG
	removedTER
	removedKE
	removedPENG
	removedBER
	removedPE
)

type talaState struct {
	word      []byte
	syllables int
	flags     int
}

func isVowel(c byte) bool { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' }

func (s *talaState) has(prefix string) bool {
	return len(s.word) >= len(prefix) && string(s.word[:len(prefix)]) == prefix
}

func (s *talaState) ends(suffix string) bool {
	return len(s.word) >= len(suffix) && string(s.word[len(s.word)-len(suffix):]) == suffix
}

func (s *talaState) cutEnd(n int) { s.word = s.word[:len(s.word)-n]; s.syllables-- }

// cutStart drops n bytes; with to != 0 the byte after them becomes to.
func (s *talaState) cutStart(n int, flag int) { s.word = s.word[n:]; s.syllables--; s.flags |= flag }

func (s *talaState) removeParticle() {
	if s.ends("kah") || s.ends("lah") || s.ends("pun") {
		s.cutEnd(3)
	}
}

func (s *talaState) removePossessive() {
	switch {
	case s.ends("ku"), s.ends("mu"):
		s.cutEnd(2)
	case s.ends("nya"):
		s.cutEnd(3)
	}
}

func (s *talaState) vowelAt(i int) bool { return len(s.word) > i && isVowel(s.word[i]) }

func (s *talaState) removeFirstPrefix() {
	switch {
	case s.has("meng"):
		s.cutStart(4, removedMENG)
	case s.has("meny") && s.vowelAt(4):
		s.word[3] = 's'
		s.cutStart(3, removedMENG)
	case s.has("men"), s.has("mem"):
		s.cutStart(3, removedMENG)
	case s.has("me"):
		s.cutStart(2, removedMENG)
	case s.has("peng"):
		s.cutStart(4, removedPENG)
	case s.has("peny") && s.vowelAt(4):
		s.word[3] = 's'
		s.cutStart(3, removedPENG)
	case s.has("peny"):
		s.cutStart(4, removedPENG)
	case s.has("pen") && s.vowelAt(3):
		s.word[2] = 't'
		s.cutStart(2, removedPENG)
	case s.has("pen"), s.has("pem"):
		s.cutStart(3, removedPENG)
	case s.has("di"):
		s.cutStart(2, removedDI)
	case s.has("ter"):
		s.cutStart(3, removedTER)
	case s.has("ke"):
		s.cutStart(2, removedKE)
	}
}

func (s *talaState) removeSecondPrefix() {
	switch {
	case s.has("ber"):
		s.cutStart(3, removedBER)
	case len(s.word) == 7 && s.has("belajar"):
		s.cutStart(3, removedBER)
	case s.has("be") && len(s.word) > 4 && !isVowel(s.word[2]) && s.word[3] == 'e' && s.word[4] == 'r':
		s.cutStart(2, removedBER)
	case s.has("per"):
		s.cutStart(3, 0)
	case len(s.word) == 7 && s.has("pelajar"):
		s.cutStart(3, 0)
	case s.has("pe"):
		s.cutStart(2, removedPE)
	}
}

func (s *talaState) removeSuffix() {
	switch {
	case s.ends("kan") && s.flags&(removedKE|removedPENG|removedPE) == 0:
		s.cutEnd(3)
	case s.ends("an") && s.flags&(removedDI|removedMENG|removedTER) == 0:
		s.cutEnd(2)
	case s.ends("i") && !s.ends("si") && s.flags&(removedBER|removedKE|removedPENG) == 0:
		s.cutEnd(1)
	}
}
