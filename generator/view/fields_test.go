package view

import (
	"reflect"
	"slices"
	"testing"
)

// TestAccessorsAreDeclared: every exported method of every view reads a
// declared field of its name, or is one of the few that read none of
// their own (named below, with why); every declared field has its
// accessor; no name is declared twice; each slot is one of its view's.
func TestAccessorsAreDeclared(t *testing.T) {
	views := []struct {
		name  string
		typ   reflect.Type
		kind  Kind // of every slot of its fields
		ident bool // some fields are its identity (noKey)
		// other: methods that are no field of their own, and why.
		other map[string]string
	}{
		{"Article", reflect.TypeFor[*Article](), KindArticle, false,
			map[string]string{"String": "the title"}},
		{"Term", reflect.TypeFor[*Term](), KindTerm, true,
			map[string]string{"String": "the name"}},
		{"Day", reflect.TypeFor[*Day](), KindDate, true, map[string]string{"String": "the path"}},
		{"Month", reflect.TypeFor[*Month](), KindDate, true, map[string]string{"String": "the path"}},
		{"Year", reflect.TypeFor[*Year](), KindDate, true, map[string]string{"String": "the path"}},
		{"Site", reflect.TypeFor[*Site](), KindSite, false,
			map[string]string{"String": "the config's title", "Config": "a change of the config rebuilds everything"}},
		{"Page", reflect.TypeFor[*Page](), kindPage, false,
			map[string]string{"String": "the path", "File": "the path", "Site": "the site's view, which records its own reads",
				"Fragment": "the partial's key and what the partial read"}},
	}
	seen := map[string]bool{}
	for _, f := range fields {
		if seen[f.view+"."+f.name] {
			t.Errorf("%s.%s is declared twice", f.view, f.name)
		}
		seen[f.view+"."+f.name] = true
		if f.hash != nil && (f.view != "Article" || f.slot != aMeta) {
			t.Errorf("%s.%s is hashed into the meta of articles, but is in slot %v of %s", f.view, f.name, f.slot, f.view)
		}
	}
	for _, v := range views {
		declared := map[string]fieldInfo{}
		for _, f := range fields {
			if f.view == v.name {
				declared[f.name] = f
				if f.slot.kind != v.kind && (f.slot != noKey || !v.ident) {
					t.Errorf("%s.%s has slot %v, which is none of a %s's", v.name, f.name, f.slot, v.name)
				}
			}
		}
		if len(declared) == 0 {
			t.Errorf("no field of %s is declared", v.name)
		}
		var methods []string
		for m := range v.typ.Methods() {
			methods = append(methods, m.Name)
			_, ok := declared[m.Name]
			if _, other := v.other[m.Name]; !ok && !other {
				t.Errorf("%s.%s is an accessor with no declared field: declare it in fields.go and read it through the declaration", v.name, m.Name)
			}
		}
		for name := range declared {
			if !slices.Contains(methods, name) {
				t.Errorf("%s.%s is declared, but %s has no accessor %s", v.name, name, v.name, name)
			}
		}
	}
}
