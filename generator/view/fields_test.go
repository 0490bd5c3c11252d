package view

import (
	"reflect"
	"slices"
	"testing"
)

// TestAccessorsAreDeclared: every exported method of an article's view
// reads a declared field of its name (String is the title), and every
// declared field has its accessor; names are declared once.
func TestAccessorsAreDeclared(t *testing.T) {
	aliases := map[string]string{"String": "Title"}
	declared := map[string]fieldInfo{}
	for _, f := range articleFields {
		if _, twice := declared[f.name]; twice {
			t.Errorf("field %s is declared twice", f.name)
		}
		declared[f.name] = f
		if f.slot < aMeta || f.slot > aImage {
			t.Errorf("field %s has slot %d, which is no article slot", f.name, f.slot)
		}
		if (f.hash != nil) != (f.slot == aMeta) && f.hash != nil {
			t.Errorf("meta field %s is in slot %d", f.name, f.slot)
		}
	}
	typ := reflect.TypeFor[*Article]()
	var methods []string
	for m := range typ.Methods() {
		methods = append(methods, m.Name)
		name := m.Name
		if a, ok := aliases[name]; ok {
			name = a
		}
		if _, ok := declared[name]; !ok {
			t.Errorf("Article.%s is an accessor with no declared field: declare it in fields.go (metaField or derivedField) and read it with get", m.Name)
		}
	}
	for name := range declared {
		if !slices.Contains(methods, name) {
			t.Errorf("field %s is declared, but Article has no accessor %s", name, name)
		}
	}
}
