package importer

import (
	"regexp"
	"strings"

	"github.com/mmcdole/gofeed"
)

// agencies are the news agencies a report may cite, by lower-case name,
// with the spelling the digest shows.
var agencies = map[string]string{
	"antara": "Antara", "reuters": "Reuters", "afp": "AFP", "ap": "AP", "associated press": "AP",
	"xinhua": "Xinhua", "bernama": "Bernama", "kyodo": "Kyodo", "yonhap": "Yonhap",
	"anadolu": "Anadolu", "dpa": "dpa", "efe": "EFE", "ansa": "ANSA", "upi": "UPI",
	"tass": "TASS", "pna": "PNA", "vna": "VNA",
}

// dateline matches the opening of a wire report, "Jakarta (ANTARA) - ":
// a place, then the agency in brackets, then a dash.
var dateline = regexp.MustCompile(`^[^()]{0,60}\(([A-Za-z .]{2,20})(?:/[^)]{0,20})?\)\s*[-–—]`)

// agencyOf is the agency an item names, as its author or in its
// dateline, unless it is the source itself.
func agencyOf(it *gofeed.Item, text, source string) string {
	found := ""
	for _, p := range it.Authors {
		if p != nil {
			if a, ok := agencies[strings.ToLower(strings.TrimSpace(p.Name))]; ok {
				found = a
				break
			}
		}
	}
	if found == "" {
		if m := dateline.FindStringSubmatch(text); m != nil {
			found = agencies[strings.ToLower(strings.TrimSpace(m[1]))]
		}
	}
	if strings.EqualFold(found, source) {
		return ""
	}
	return found
}

// tagsOf makes tags of an item's categories: plain text, each once.
func tagsOf(cats []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, c := range cats {
		// Some feeds put several categories in one, comma-separated.
		for _, t := range strings.Split(plainText(c), ",") {
			t = strings.TrimSpace(t)
			if k := strings.ToLower(t); t != "" && !seen[k] && len(t) <= 60 {
				seen[k] = true
				out = append(out, t)
			}
		}
	}
	return out
}
