package content

import (
	"reflect"
	"testing"
	"time"
)

func TestCorrections(t *testing.T) {
	date := time.Date(2025, 4, 28, 14, 30, 0, 0, jakarta)
	tests := []struct {
		name, src string
		want      []Correction
		modified  time.Time
	}{
		{"none", yamlDoc("Isi.\n", "title: x", "date: 2025-04-28T14:30:00+07:00"), nil, date},
		{"text dated by updated", yamlDoc("Isi.\n", "title: x", "date: 2025-04-28T14:30:00+07:00", "updated: 2025-04-29 09:00", `correction: "Nama menteri salah eja."`),
			[]Correction{{time.Date(2025, 4, 29, 9, 0, 0, 0, jakarta), "Nama menteri salah eja."}}, time.Date(2025, 4, 29, 9, 0, 0, 0, jakarta)},
		{"a list, put in order, the latest is the last change", yamlDoc("Isi.\n", "title: x", "date: 2025-04-28T14:30:00+07:00", "updated: 2025-04-29",
			"correction:", "  - date: 2025-04-30 10:15", "    text: Kedua.", "  - {date: 2025-04-28T20:00:00+07:00, text: Pertama.}"),
			[]Correction{{time.Date(2025, 4, 28, 20, 0, 0, 0, jakarta), "Pertama."}, {time.Date(2025, 4, 30, 10, 15, 0, 0, jakarta), "Kedua."}}, time.Date(2025, 4, 30, 10, 15, 0, 0, jakarta)},
		{"one group", yamlDoc("Isi.\n", "title: x", "date: 2025-04-28T14:30:00+07:00", "correction: {date: 2025-04-29, text: Satu.}"),
			[]Correction{{time.Date(2025, 4, 29, 0, 0, 0, 0, jakarta), "Satu."}}, time.Date(2025, 4, 29, 0, 0, 0, 0, jakarta)},
		{"an update after the corrections", yamlDoc("Isi.\n", "title: x", "date: 2025-04-28T14:30:00+07:00", "updated: 2025-05-02", "correction: [{date: 2025-04-29, text: Satu.}]"),
			[]Correction{{time.Date(2025, 4, 29, 0, 0, 0, 0, jakarta), "Satu."}}, time.Date(2025, 5, 2, 0, 0, 0, 0, jakarta)},
		{"TOML array of tables", "+++\ntitle = \"x\"\ndate = 2025-04-28T14:30:00+07:00\n[[correction]]\ndate = 2025-04-29\ntext = \"Satu.\"\n[[correction]]\ndate = 2025-04-30T08:00:00+07:00\ntext = \"Dua.\"\n+++\nIsi.\n",
			[]Correction{{time.Date(2025, 4, 29, 0, 0, 0, 0, jakarta), "Satu."}, {time.Date(2025, 4, 30, 8, 0, 0, 0, time.FixedZone("", 7*3600)), "Dua."}}, time.Date(2025, 4, 30, 8, 0, 0, 0, jakarta)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := mustParse(t, "a.md", tt.src)
			if len(a.Corrections) != len(tt.want) {
				t.Fatalf("corrections %+v, want %+v", a.Corrections, tt.want)
			}
			for i, c := range a.Corrections {
				if !c.Date.Equal(tt.want[i].Date) || c.Text != tt.want[i].Text {
					t.Errorf("correction %d = %v %q, want %v %q", i, c.Date, c.Text, tt.want[i].Date, tt.want[i].Text)
				}
			}
			if !a.Modified().Equal(tt.modified) {
				t.Errorf("Modified = %v, want %v", a.Modified(), tt.modified)
			}
			if _, ok := a.Params["correction"]; !ok && tt.want != nil {
				t.Errorf("the field is not in Params")
			}
		})
	}
}

func TestBadCorrections(t *testing.T) {
	head := []string{"title: x", "date: 2025-04-28T14:30:00+07:00"}
	doc := func(lines ...string) string {
		return yamlDoc("Isi.\n", append(append([]string{}, head...), lines...)...)
	}
	tests := []struct{ name, src, want string }{
		{"a bad date names its line", doc("correction:", "  - date: 2025-04-29", "    text: Satu.", "  - date: 31-04-2025", "    text: Dua."),
			`content/a.md:7: correction date "31-04-2025" is not a date I can read: write it as 2025-04-29, 2025-04-29 10:15 or 2025-04-29T10:15:00+07:00`},
		{"an impossible day", doc("correction: [{date: 2025-02-30, text: Satu.}]"),
			`content/a.md:4: correction date "2025-02-30" is not a date I can read: write it as 2025-04-29, 2025-04-29 10:15 or 2025-04-29T10:15:00+07:00`},
		{"no date", doc("correction:", "  - text: Satu."),
			`content/a.md:5: correction has no date: add date: 2025-04-29 (the day of the correction) to it`},
		{"no text", doc("correction:", "  - date: 2025-04-29"),
			`content/a.md:5: correction has no text: add text: "what was wrong and what is right" to it`},
		{"text without an update", doc(`correction: "Salah eja."`),
			`content/a.md:4: correction has no date: a correction says when it was made: add a line updated: 2025-04-29 (the day of the correction), or write correction: [{date: 2025-04-29, text: "..."}]`},
		{"before the article", doc("correction:", "  - date: 2024-04-29", "    text: Satu."),
			`content/a.md:5: correction date 2024-04-29 is before the article's date 2025-04-28: a correction comes after the article: fix the year, month or day`},
		{"an item that is text", doc("correction:", "  - Satu."),
			`content/a.md:5: correction item 1 is text, not a group of date and text: write it as correction: "what was wrong" (dated by updated:), or as a list of - {date: 2025-04-29, text: "what was wrong"}`},
		{"a number", doc("correction: 5"),
			`content/a.md:4: correction must be text or a list of {date, text}, not a number: write it as correction: "what was wrong" (dated by updated:), or as a list of - {date: 2025-04-29, text: "what was wrong"}`},
		{"an unknown field", doc("correction:", "  - date: 2025-04-29", "    text: Satu.", "    oleh: Ani"),
			`content/a.md:7: correction has a field "oleh": a correction has only date: and text:`},
		{"TOML bad date", "+++\ntitle = \"x\"\ndate = 2025-04-28\n[[correction]]\ndate = \"kemarin\"\ntext = \"Satu.\"\n+++\n",
			`content/a.md:4: correction date "kemarin" is not a date I can read: write it as 2025-04-29, 2025-04-29 10:15 or 2025-04-29T10:15:00+07:00`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := parse(t, "a.md", tt.src)
			if err == nil {
				t.Fatalf("no error; corrections %+v", a.Corrections)
			}
			if err.Error() != tt.want {
				t.Errorf("error =\n%v\nwant\n%s", err, tt.want)
			}
		})
	}
}

// TestCorrectionDatesInSiteZone: a date without an offset in a list item
// is read in the site's time zone, as the article's own dates are.
func TestCorrectionDatesInSiteZone(t *testing.T) {
	a := mustParse(t, "a.md", yamlDoc("Isi.\n", "title: x", "date: 2025-04-28", "correction: [{date: 2025-04-29, text: Satu.}]"))
	want := []Correction{{time.Date(2025, 4, 29, 0, 0, 0, 0, jakarta), "Satu."}}
	if !reflect.DeepEqual(a.Corrections, want) {
		t.Errorf("corrections %+v, want %+v", a.Corrections, want)
	}
}
