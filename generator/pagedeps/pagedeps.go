// Package pagedeps works out what each page shows, so that a rebuild
// renders a page again only when that changed.
//
// What a page shows is read from the templates themselves, so a site's own
// theme stays correct without the builder knowing it:
//
//   - Analyze walks the parse trees a page template runs and records
//     every value they print, test, count, compare, range over or pass to a
//     function, as a tree of names from the page (a dep): the article
//     page's tree has .Article.Older.Title but nothing below .Older.Content.
//   - Walker.Fingerprint walks that tree over one page's real data and hashes what
//     it finds. Equal fingerprints (with equal templates and config) mean
//     equal bytes, so the page's earlier output stands.
//
// The analysis over-approximates: it ignores which branch of an if runs,
// and a variable holds everything ever assigned to it. What it cannot
// follow (a function given a whole article, a method called with
// arguments, a template that calls itself) makes the pages of that
// template render on every rebuild: slower, never wrong.
package pagedeps

import (
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/maphash"
	"html/template"
	"math"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"text/template/parse"
	"time"
	"unsafe"

	"newsdigest/generator/config"
	"newsdigest/generator/content"
	"newsdigest/generator/render"
	"newsdigest/generator/site"
)

// use is how a template uses a value.
type use uint8

const (
	useTruth use = 1 << iota // if, with, and, or, not
	useLen                   // len, range, index
	useIdent                 // eq and friends: by value, pointers by identity
	useValue                 // printed
	useDeep                  // given to a function that may read all it can reach
	useCall                  // a method called with arguments
)

// elemKey names the elements of a list or map in a dep; it cannot be a
// field name.
const elemKey = "[]"

// dep is one node of what a page template reads: a value reached from the
// page by a path of field, method and map key names.
type dep struct {
	uses  use
	kids  map[string]*dep
	order []string                    // kids' names, sorted by freeze
	list  []*dep                      // kids in that order
	size  int                         // deps in this subtree, set by freeze
	plans atomic.Pointer[[]typePlans] // how the kids' names are looked up, by type
}

func (d *dep) kid(name string) *dep {
	if d.kids == nil {
		d.kids = map[string]*dep{}
	}
	k := d.kids[name]
	if k == nil {
		k = &dep{}
		d.kids[name] = k
	}
	return k
}

// freeze sorts the names once, so walks hash in a fixed order, and
// shares equal subtrees through seen: the card of an article then has one
// dep on every list, and its hash is worked out once per build.
func (d *dep) freeze(seen map[string]*dep) *dep {
	d.order, d.list = d.order[:0], d.list[:0]
	d.size = 1
	for name := range d.kids {
		d.order = append(d.order, name)
	}
	slices.Sort(d.order)
	key := fmt.Sprintf("%d(", d.uses)
	for _, name := range d.order {
		k := d.kids[name].freeze(seen)
		d.kids[name] = k
		d.list = append(d.list, k)
		d.size += k.size
		key += fmt.Sprintf("%s:%p,", name, k)
	}
	if same, ok := seen[key]; ok {
		return same
	}
	seen[key] = d
	return d
}

// aval is what the analysis knows of a value: the deps it may come from.
// It is empty for values made of constants, or of values already recorded
// as used whole (a function's result).
type aval []*dep

func (v aval) mark(u use) {
	for _, d := range v {
		d.uses |= u
	}
}

func (v aval) kid(name string) aval {
	out := make(aval, 0, len(v))
	for _, d := range v {
		out = append(out, d.kid(name))
	}
	return out
}

func union(vs ...aval) aval {
	var out aval
	for _, v := range vs {
		for _, d := range v {
			if !slices.Contains(out, d) {
				out = append(out, d)
			}
		}
	}
	return out
}

// Analysis is what the pages of one page template read.
type Analysis struct {
	root   *dep
	Sum    uint64 // hash of the templates it runs, so editing one redoes only its pages
	Unsure string // why every page of this template renders each time, or ""
}

// Analyze works out what pages drawn by the page template page read.
// It must run before the templates render: it reads their parse trees.
// shared holds the deps of the page templates analyzed so far, so that
// equal subtrees are one.
func Analyze(t *render.Templates, page string, funcs template.FuncMap, seed maphash.Seed, shared Shared) *Analysis {
	a := &analyzer{tmpl: t, page: page, funcs: map[string]reflect.Type{}, done: map[string]bool{}, ran: map[string]*parse.Tree{}}
	for name, f := range funcs {
		a.funcs[name] = reflect.TypeOf(f)
	}
	root := &dep{}
	a.template("base.html", aval{root})
	root = root.freeze(shared)
	var h maphash.Hash
	h.SetSeed(seed)
	for _, name := range sortedKeys(a.ran) {
		h.WriteString(name)
		h.WriteByte(0)
		h.WriteString(a.ran[name].Root.String())
		h.WriteByte(0)
	}
	return &Analysis{root: root, Sum: h.Sum64(), Unsure: a.unsure}
}

type analyzer struct {
	tmpl   *render.Templates
	page   string
	funcs  map[string]reflect.Type
	done   map[string]bool // template name and dot already analyzed
	calls  []string        // the template call stack
	ran    map[string]*parse.Tree
	unsure string
}

func (a *analyzer) giveUp(format string, args ...any) {
	if a.unsure == "" {
		a.unsure = fmt.Sprintf(format, args...)
	}
}

// frame is one template call being analyzed: its variables.
type frame struct {
	dollar aval
	scope  []*parse.VariableNode // declarations in scope, innermost last
	vars   map[*parse.VariableNode]aval
	grew   bool // an assignment added to a variable: walk the tree again
}

// template analyzes the template called name, run with dot. Variables are
// followed to a fixed point: an assignment late in a range body reaches
// the reads early in it on the next walk.
func (a *analyzer) template(name string, dot aval) {
	key := name
	for _, d := range dot {
		key += fmt.Sprintf(" %p", d)
	}
	if a.done[key] || a.unsure != "" {
		return
	}
	if slices.Contains(a.calls, name) {
		a.giveUp("templates/%s calls itself", name)
		return
	}
	tree := a.tmpl.Tree(a.page, name)
	if tree == nil {
		a.giveUp("template %q is not defined", name)
		return
	}
	a.ran[name] = tree
	a.calls = append(a.calls, name)
	defer func() { a.calls = a.calls[:len(a.calls)-1] }()
	f := &frame{dollar: dot, vars: map[*parse.VariableNode]aval{}}
	for i := 0; ; i++ {
		if i == 20 {
			a.giveUp("templates/%s: variables do not settle", name)
			return
		}
		f.grew, f.scope = false, f.scope[:0]
		a.node(f, tree.Root, dot)
		if !f.grew {
			break
		}
	}
	a.done[key] = true
}

func (a *analyzer) node(f *frame, n parse.Node, dot aval) {
	switch n := n.(type) {
	case nil:
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, c := range n.Nodes {
			a.node(f, c, dot)
		}
	case *parse.TextNode, *parse.CommentNode, *parse.BreakNode, *parse.ContinueNode:
	case *parse.ActionNode:
		v := a.pipe(f, n.Pipe, dot, true)
		if len(n.Pipe.Decl) == 0 {
			v.mark(useValue)
		}
	case *parse.IfNode:
		mark := len(f.scope)
		a.pipe(f, n.Pipe, dot, true).mark(useTruth)
		a.node(f, n.List, dot)
		a.node(f, n.ElseList, dot)
		f.scope = f.scope[:mark]
	case *parse.WithNode:
		mark := len(f.scope)
		v := a.pipe(f, n.Pipe, dot, true)
		v.mark(useTruth)
		a.node(f, n.List, v)
		a.node(f, n.ElseList, dot)
		f.scope = f.scope[:mark]
	case *parse.RangeNode:
		mark := len(f.scope)
		v := a.pipe(f, n.Pipe, dot, false)
		v.mark(useLen)
		elem := v.kid(elemKey)
		// One variable takes the element; of two, the first takes the
		// index (or map key, hashed with the elements) and the second
		// the element.
		switch len(n.Pipe.Decl) {
		case 1:
			a.setVar(f, n.Pipe.Decl[0], elem, n.Pipe.IsAssign)
		case 2:
			a.setVar(f, n.Pipe.Decl[0], nil, n.Pipe.IsAssign)
			a.setVar(f, n.Pipe.Decl[1], elem, n.Pipe.IsAssign)
		}
		a.node(f, n.List, elem)
		a.node(f, n.ElseList, dot)
		f.scope = f.scope[:mark]
	case *parse.TemplateNode:
		var arg aval
		if n.Pipe != nil {
			arg = a.pipe(f, n.Pipe, dot, true)
		}
		a.template(n.Name, arg)
	default:
		a.giveUp("templates: %s is a construct the preview does not follow", n)
	}
}

func (a *analyzer) setVar(f *frame, decl *parse.VariableNode, v aval, assign bool) {
	if !assign {
		f.scope = append(f.scope, decl)
		f.vars[decl] = union(f.vars[decl], v)
		return
	}
	key := a.lookupVar(f, decl.Ident[0])
	if key == nil {
		a.giveUp("variable %s is assigned but not declared", decl.Ident[0])
		return
	}
	old := f.vars[key]
	if now := union(old, v); len(now) > len(old) {
		f.vars[key] = now
		f.grew = true
	}
}

func (a *analyzer) lookupVar(f *frame, name string) *parse.VariableNode {
	for i := len(f.scope) - 1; i >= 0; i-- {
		if f.scope[i].Ident[0] == name {
			return f.scope[i]
		}
	}
	return nil
}

func (a *analyzer) varValue(f *frame, name string) aval {
	if name == "$" {
		return f.dollar
	}
	if key := a.lookupVar(f, name); key != nil {
		return f.vars[key]
	}
	a.giveUp("variable %s is not declared", name)
	return nil
}

// pipe analyzes a pipeline: each command's result is the last argument of
// the next.
func (a *analyzer) pipe(f *frame, p *parse.PipeNode, dot aval, declare bool) aval {
	if p == nil {
		return nil
	}
	var final aval
	for i, c := range p.Cmds {
		final = a.command(f, c, dot, final, i > 0)
	}
	if declare {
		for _, d := range p.Decl {
			a.setVar(f, d, final, p.IsAssign)
		}
	}
	return final
}

func (a *analyzer) command(f *frame, c *parse.CommandNode, dot, final aval, hasFinal bool) aval {
	args := c.Args[1:]
	switch n := c.Args[0].(type) {
	case *parse.FieldNode:
		return a.fields(f, dot, dot, n.Ident, args, final, hasFinal)
	case *parse.ChainNode:
		return a.fields(f, dot, a.arg(f, n.Node, dot), n.Field, args, final, hasFinal)
	case *parse.VariableNode:
		return a.fields(f, dot, a.varValue(f, n.Ident[0]), n.Ident[1:], args, final, hasFinal)
	case *parse.IdentifierNode:
		return a.call(f, n.Ident, args, dot, final, hasFinal)
	default:
		return a.arg(f, n, dot)
	}
}

// fields follows .A.B.C from recv. When the command has arguments, the
// last name is a method called with them.
func (a *analyzer) fields(f *frame, dot, recv aval, names []string, args []parse.Node, final aval, hasFinal bool) aval {
	for _, name := range names {
		recv = recv.kid(name)
	}
	if len(args) > 0 || hasFinal {
		recv.mark(useCall)
		for _, arg := range args {
			a.arg(f, arg, dot).mark(useDeep)
		}
		final.mark(useDeep)
	}
	return recv
}

// arg analyzes a value given as an argument.
func (a *analyzer) arg(f *frame, n parse.Node, dot aval) aval {
	switch n := n.(type) {
	case *parse.DotNode:
		return dot
	case *parse.FieldNode:
		return a.fields(f, dot, dot, n.Ident, nil, nil, false)
	case *parse.ChainNode:
		return a.fields(f, dot, a.arg(f, n.Node, dot), n.Field, nil, nil, false)
	case *parse.VariableNode:
		return a.fields(f, dot, a.varValue(f, n.Ident[0]), n.Ident[1:], nil, nil, false)
	case *parse.PipeNode:
		return a.pipe(f, n, dot, true)
	case *parse.IdentifierNode:
		return a.call(f, n.Ident, nil, dot, nil, false)
	}
	return nil // a constant
}

// call analyzes a call of the function name.
func (a *analyzer) call(f *frame, name string, argNodes []parse.Node, dot, final aval, hasFinal bool) aval {
	var args []aval
	for _, n := range argNodes {
		args = append(args, a.arg(f, n, dot))
	}
	if hasFinal {
		args = append(args, final)
	}
	markAll := func(u use) {
		for _, v := range args {
			v.mark(u)
		}
	}
	switch name {
	case "and", "or":
		markAll(useTruth)
		return union(args...) // the result is one of the arguments
	case "not":
		markAll(useTruth)
		return nil
	case "len":
		markAll(useLen)
		return nil
	case "index", "slice":
		if len(args) == 0 {
			return nil
		}
		x := args[0]
		x.mark(useLen)
		for _, k := range args[1:] {
			k.mark(useIdent)
			if name == "index" {
				x = x.kid(elemKey)
			}
		}
		return x // what is used of the result is used of x
	case "eq", "ne", "lt", "le", "gt", "ge":
		markAll(useIdent)
		return nil
	case "print", "printf", "println", "html", "js", "urlquery":
		markAll(useValue)
		return nil
	case "call":
		markAll(useDeep)
		return nil
	}
	if strings.HasPrefix(name, "_html_template_") || name == "_eval_args_" {
		markAll(useValue) // escapers html/template adds
		return nil
	}
	ft, ok := a.funcs[name]
	if !ok || ft.Kind() != reflect.Func {
		a.giveUp("function %s is unknown", name)
		return nil
	}
	for i, v := range args {
		var pt reflect.Type
		switch {
		case ft.IsVariadic() && i >= ft.NumIn()-1:
			pt = ft.In(ft.NumIn() - 1).Elem()
		case i < ft.NumIn():
			pt = ft.In(i)
		default:
			continue // the call fails when run
		}
		if plainType(pt) {
			v.mark(useValue)
		} else {
			v.mark(useDeep)
		}
	}
	return nil
}

var timeType = reflect.TypeFor[time.Time]()

// plainType reports whether values of t hold no pointers: what a function
// taking one can read is the value itself.
func plainType(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Complex64, reflect.Complex128, reflect.String:
		return true
	case reflect.Slice, reflect.Array:
		return plainType(t.Elem())
	}
	return t == timeType
}

// Walker computes fingerprints. One Walker serves one goroutine; memo,
// shared by the walkers of one build, keeps the hashes of values many
// pages show (the site, a term, an article's card on each list).
type Walker struct {
	seed   maphash.Seed
	memo   *Memo
	buf    []byte // what is hashed, appended
	unsure bool
}

func NewWalker(seed maphash.Seed, m *Memo) *Walker {
	return &Walker{seed: seed, memo: m}
}

// Memo maps a dep and a pointer to the hash of what the dep reads of the
// value pointed to, for one build. It is split in shards so that the
// walkers of all cores seldom wait for each other.
type Memo struct {
	shards [64]struct {
		sync.Mutex
		m map[memoKey]memoVal
	}
}

type memoKey struct {
	d *dep
	p unsafe.Pointer
}

type memoVal struct {
	t   reflect.Type // a struct and its first field share an address
	sum uint64
}

func (m *Memo) get(k memoKey, t reflect.Type) (uint64, bool) {
	s := &m.shards[(uintptr(k.p)>>4)%uintptr(len(m.shards))]
	s.Lock()
	v, ok := s.m[k]
	s.Unlock()
	return v.sum, ok && v.t == t
}

func (m *Memo) put(k memoKey, t reflect.Type, sum uint64) {
	s := &m.shards[(uintptr(k.p)>>4)%uintptr(len(m.shards))]
	s.Lock()
	if s.m == nil {
		s.m = map[memoKey]memoVal{}
	}
	s.m[k] = memoVal{t, sum}
	s.Unlock()
}

// fingerprint hashes what d says a page reads of data. ok is false when
// the walk met something it cannot judge: the page must be rendered.
func (w *Walker) Fingerprint(data any, an *Analysis) (sum uint64, ok bool) {
	d := an.root
	w.unsure = false
	w.buf = w.buf[:0]
	defer func() {
		if recover() != nil {
			sum, ok = 0, false
		}
	}()
	w.walk(reflect.ValueOf(data), d)
	return maphash.Bytes(w.seed, w.buf), !w.unsure
}

// memoMin is the smallest dep worth remembering a value's hash for:
// smaller ones hash faster than they are looked up.
const memoMin = 8

func (w *Walker) walk(v reflect.Value, d *dep) {
	if w.unsure {
		return
	}
	if v.Kind() == reflect.Interface && !v.IsNil() {
		v = v.Elem()
	}
	if plainValue(v) {
		// Whatever a template reads of a plain value (.Date.Year, a
		// method, its length) comes from the value itself.
		if d.uses != 0 || len(d.kids) > 0 {
			w.value(v, false)
		}
		return
	}
	if d.uses&useTruth != 0 {
		w.bool(truth(v))
	}
	if d.uses&useLen != 0 {
		w.int(length(v))
	}
	if d.uses&useIdent != 0 {
		w.value(v, false)
	}
	if d.uses&useValue != 0 {
		w.value(v, true)
	}
	if d.uses&useDeep != 0 {
		if !deepPlain(v) {
			w.unsure = true
			return
		}
		w.value(v, false)
	}
	if len(d.order) == 0 {
		return
	}
	if d.size >= memoMin && v.Kind() == reflect.Pointer && !v.IsNil() {
		key := memoKey{d, v.UnsafePointer()}
		if sum, ok := w.memo.get(key, v.Type()); ok {
			w.uint(sum)
			return
		}
		start := len(w.buf)
		w.kids(v, d)
		if w.unsure {
			return
		}
		sum := maphash.Bytes(w.seed, w.buf[start:])
		w.buf = w.buf[:start]
		w.memo.put(key, v.Type(), sum)
		w.uint(sum)
		return
	}
	w.kids(v, d)
}

func (w *Walker) kids(v reflect.Value, d *dep) {
	// Find the receiver once for all names, as text/template does for
	// each: through pointers and interfaces, then its address.
	if v.Kind() == reflect.Interface && !v.IsNil() {
		v = v.Elem()
	}
	recv, isNil := indirect(v)
	if !v.IsValid() || isNil {
		// Nothing below a missing value or a nil pointer varies: what
		// the template reads there is an error or a method's answer
		// for nil, the same each time.
		w.buf = append(w.buf, 2)
		return
	}
	ptr := recv
	if ptr.Kind() != reflect.Pointer && ptr.CanAddr() {
		ptr = ptr.Addr()
	}
	plans := d.plansFor(ptr.Type())
	for i, name := range d.order {
		k := d.list[i]
		if name == elemKey {
			w.elems(recv, k)
			continue
		}
		if k.uses&useCall != 0 {
			w.unsure = true
			return
		}
		kv, err := plans[i].eval(ptr, recv)
		if err != nil {
			// The template fails here as well; the error is its output.
			w.string(err.Error())
			continue
		}
		w.walk(kv, k)
	}
}

// elems walks the elements of a list, map or count, as range visits them.
func (w *Walker) elems(v reflect.Value, d *dep) {
	v, _ = indirect(v)
	switch v.Kind() {
	case reflect.Slice, reflect.Array:
		w.int(v.Len())
		for i := range v.Len() {
			w.walk(v.Index(i), d)
		}
	case reflect.Map:
		keys := sortedMapKeys(v)
		w.int(len(keys))
		for _, k := range keys {
			w.value(k, false)
			w.walk(v.MapIndex(k), d)
		}
	case reflect.Invalid:
		w.buf = append(w.buf, 1)
	default:
		if plainValue(v) {
			w.value(v, false)
			return
		}
		w.unsure = true // a channel or function to range over
	}
}

func sortedMapKeys(v reflect.Value) []reflect.Value {
	keys := v.MapKeys()
	slices.SortFunc(keys, func(a, b reflect.Value) int { return cmp.Compare(fmt.Sprint(a), fmt.Sprint(b)) })
	return keys
}

// value hashes v as a whole. Pointers count by identity, as eq compares
// them; printed, a pointer shows the value it points to, one level deep.
func (w *Walker) value(v reflect.Value, printed bool) {
	if printed {
		v = printable(v)
		if v.IsValid() && v.Type().Implements(stringerType) && (v.Kind() != reflect.Pointer || !v.IsNil()) {
			w.string(callString(v))
			return
		}
	}
	switch v.Kind() {
	case reflect.Invalid:
		w.buf = append(w.buf, 1)
	case reflect.Bool:
		w.bool(v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		w.uint(uint64(v.Int()))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		w.uint(v.Uint())
	case reflect.Float32, reflect.Float64:
		w.uint(math.Float64bits(v.Float()))
	case reflect.Complex64, reflect.Complex128:
		w.uint(math.Float64bits(real(v.Complex())))
		w.uint(math.Float64bits(imag(v.Complex())))
	case reflect.String:
		w.string(v.String())
	case reflect.Struct:
		if v.Type() == timeType {
			var t time.Time
			if v.CanAddr() {
				t = *(*time.Time)(v.Addr().UnsafePointer()) // no copy to the heap
			} else {
				t = v.Interface().(time.Time)
			}
			name, off := t.Zone()
			w.uint(uint64(t.UnixNano()))
			w.string(name)
			w.int(off)
			return
		}
		w.string(v.Type().String())
		for i := range v.NumField() {
			w.value(v.Field(i), false)
		}
	case reflect.Slice, reflect.Array:
		w.int(v.Len())
		for i := range v.Len() {
			w.value(v.Index(i), false)
		}
	case reflect.Map:
		keys := sortedMapKeys(v)
		w.int(len(keys))
		for _, k := range keys {
			w.value(k, false)
			w.value(v.MapIndex(k), false)
		}
	case reflect.Interface:
		if v.IsNil() {
			w.buf = append(w.buf, 1)
			return
		}
		w.string(v.Elem().Type().String())
		w.value(v.Elem(), false)
	case reflect.Pointer:
		if v.IsNil() {
			w.buf = append(w.buf, 1)
			return
		}
		id, ok := identity(v.Interface())
		if !ok {
			w.unsure = true
			return
		}
		w.string(id)
	default:
		w.unsure = true // functions, channels
	}
}

func (w *Walker) uint(x uint64) { w.buf = binary.LittleEndian.AppendUint64(w.buf, x) }
func (w *Walker) int(x int)     { w.uint(uint64(x)) }

func (w *Walker) bool(b bool) {
	if b {
		w.buf = append(w.buf, 1)
	} else {
		w.buf = append(w.buf, 0)
	}
}

// string adds s, long ones by their hash, so that a page does not copy
// every article body it shows.
func (w *Walker) string(s string) {
	w.int(len(s))
	if len(s) > 64 {
		w.uint(maphash.String(w.seed, s))
		return
	}
	w.buf = append(w.buf, s...)
}

// identity names a model value uniquely within one build.
func identity(p any) (string, bool) {
	switch p := p.(type) {
	case *site.Article:
		return "a:" + p.File, true
	case *content.Article:
		return "c:" + p.File, true
	case *site.Term:
		return "t:" + p.Path, true
	case *site.Day:
		return "d:" + p.Path, true
	case *site.Month:
		return "m:" + p.Path, true
	case *site.Year:
		return "y:" + p.Path, true
	case *site.Page:
		return "p:" + p.File(), true
	case *site.Pager:
		return fmt.Sprintf("g:%s:%d", p.First, p.Number), true
	case *site.Site, *config.Config:
		return "s", true // one per build
	}
	return "", false
}

var (
	stringerType = reflect.TypeFor[fmt.Stringer]()
	errorType    = reflect.TypeFor[error]()
)

// printable is what html/template prints for v: pointers followed to a
// value, a Stringer or an error.
func printable(v reflect.Value) reflect.Value {
	for v.IsValid() && (v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface) && !v.IsNil() {
		if v.Type().Implements(stringerType) || v.Type().Implements(errorType) {
			return v
		}
		v = v.Elem()
	}
	return v
}

func callString(v reflect.Value) (s string) {
	defer func() {
		if e := recover(); e != nil {
			s = fmt.Sprint("panic: ", e)
		}
	}()
	return v.Interface().(fmt.Stringer).String()
}

// plainValue reports whether v is a value whose every part a template
// could read is in the value itself: text, numbers, times.
func plainValue(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Complex64, reflect.Complex128, reflect.String:
		return true
	case reflect.Struct:
		return v.Type() == timeType
	}
	return false
}

// deepPlain reports whether v holds no pointers, so that a function
// given it can read nothing but v.
func deepPlain(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Invalid:
		return true
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			if !deepPlain(v.Index(i)) {
				return false
			}
		}
		return true
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			if !deepPlain(it.Key()) || !deepPlain(it.Value()) {
				return false
			}
		}
		return true
	case reflect.Interface:
		return v.IsNil() || deepPlain(v.Elem())
	}
	return plainValue(v)
}

// truth is text/template's truth of a value.
func truth(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Invalid:
		return false
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() > 0
	case reflect.Bool:
		return v.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int() != 0
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return v.Uint() != 0
	case reflect.Float32, reflect.Float64:
		return v.Float() != 0
	case reflect.Complex64, reflect.Complex128:
		return v.Complex() != 0
	case reflect.Chan, reflect.Func, reflect.Pointer, reflect.UnsafePointer, reflect.Interface:
		return !v.IsNil()
	}
	return true
}

func length(v reflect.Value) int {
	v, _ = indirect(v)
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String, reflect.Chan:
		return v.Len()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return int(v.Int()) // range over an integer
	}
	return -1
}

// indirect follows pointers and interfaces to a value, as text/template does.
func indirect(v reflect.Value) (reflect.Value, bool) {
	for ; v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface; v = v.Elem() {
		if v.IsNil() {
			return v, true
		}
	}
	return v, false
}

// plansFor returns how d's kids are looked up on values of type t, in
// the order of d.order. A dep meets few types (one per place it is
// shared), so they are kept in a short list, replaced whole when one is
// added.
func (d *dep) plansFor(t reflect.Type) []*plan {
	var list []typePlans
	if p := d.plans.Load(); p != nil {
		list = *p
	}
	for _, tp := range list {
		if tp.t == t {
			return tp.kids
		}
	}
	tp := typePlans{t: t, kids: make([]*plan, len(d.order))}
	for i, name := range d.order {
		tp.kids[i] = makePlan(t, name)
	}
	if len(list) < 16 {
		list = append(slices.Clip(list), tp)
		d.plans.Store(&list)
	}
	return tp.kids
}

type typePlans struct {
	t    reflect.Type
	kids []*plan
}

// plan is how a name is looked up on values of one type.
type plan struct {
	t      reflect.Type
	name   string
	method int   // index in the pointer's method set, or -1
	field  []int // struct field index, or nil
	ok     bool  // an exported field or a method
}

// eval evaluates .name on a receiver as text/template does: a method of
// the value or its pointer, else a struct field, else a map key.
func (pl *plan) eval(ptr, recv reflect.Value) (out reflect.Value, err error) {
	if pl.method >= 0 {
		m := ptr.Method(pl.method)
		if m.Type().NumIn() != 0 {
			return out, errArgs
		}
		defer func() {
			if e := recover(); e != nil {
				err = fmt.Errorf("error calling %s: %v", pl.name, e)
			}
		}()
		res := m.Call(nil)
		if len(res) == 2 && !res[1].IsNil() {
			return out, res[1].Interface().(error)
		}
		return res[0], nil
	}
	switch recv.Kind() {
	case reflect.Struct:
		if pl.field != nil && pl.ok {
			return recv.FieldByIndexErr(pl.field)
		}
	case reflect.Map:
		kv := reflect.ValueOf(pl.name)
		if kv.Type().AssignableTo(recv.Type().Key()) {
			return recv.MapIndex(kv), nil
		}
	}
	return out, errNoField
}

var (
	errArgs    = errors.New("the method needs arguments")
	errNoField = errors.New("no such field")
)

func makePlan(ptr reflect.Type, name string) *plan {
	if m, ok := ptr.MethodByName(name); ok && ptr.Kind() != reflect.Interface {
		return &plan{t: ptr, name: name, method: m.Index, ok: true}
	}
	p := &plan{t: ptr, name: name, method: -1}
	st := ptr
	if st.Kind() == reflect.Pointer {
		st = st.Elem()
	}
	if st.Kind() == reflect.Struct {
		if f, ok := st.FieldByName(name); ok {
			p.field, p.ok = f.Index, f.IsExported()
		}
	}
	return p
}

// Shared holds the deps of the page templates analyzed so far, so that
// equal subtrees are one; make it with Shared{}.
type Shared map[string]*dep

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
