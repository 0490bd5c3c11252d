package cli

import (
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/kabar-news/kabar/generator/internal/testsite"
	"github.com/kabar-news/kabar/generator/pipeline"
)

// themeServer serves a built site under its base path on 127.0.0.1, as
// GitHub Pages does (a missing file gets the site's 404.html), and
// remembers every request that answered 404.
type themeServer struct {
	base string
	mu   sync.Mutex
	lost []string
}

func serveBuilt(t *testing.T, out, prefix string) *themeServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &themeServer{base: "http://" + ln.Addr().String() + prefix + "/"}
	files := http.StripPrefix(prefix, http.FileServer(http.Dir(out)))
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rel, found := strings.CutPrefix(r.URL.Path, prefix+"/")
		if found {
			_, err := os.Stat(filepath.Join(out, filepath.FromSlash(rel)))
			found = err == nil
		}
		if !found {
			// As Pages does: the site's 404.html, with the status.
			s.mu.Lock()
			s.lost = append(s.lost, r.URL.Path+" (from "+r.Referer()+")")
			s.mu.Unlock()
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(http.StatusNotFound)
			page, _ := os.ReadFile(filepath.Join(out, "404.html"))
			w.Write(page)
			return
		}
		if ext := path.Ext(r.URL.Path); ext == ".png" || ext == ".jpg" || ext == ".js" {
			// Images and scripts come late, as on a phone's network: an
			// image without its size would move the text around it when it
			// comes, and so would what a script shows or hides.
			time.Sleep(150 * time.Millisecond)
		}
		files.ServeHTTP(w, r)
	})}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return s
}

// noneLost fails the test for every request that answered 404, but for
// the pages a test asked for on purpose.
func (s *themeServer) noneLost(t *testing.T, asked ...string) {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range s.lost {
		if path, _, _ := strings.Cut(p, " "); !slices.Contains(asked, path) {
			t.Errorf("a request answered 404: %s", p)
		}
	}
}

// shiftObserver records every layout-shift entry of a page from its very
// start, with the elements that moved.
const shiftObserver = `window.__shifts = [];
new PerformanceObserver(function (l) {
  l.getEntries().forEach(function (e) {
    var who = (e.sources || []).map(function (s) {
      var n = s.node;
      return n ? n.nodeName + (n.id ? "#" + n.id : "") + (n.className && n.className.baseVal === undefined ? "." + n.className : "") : "?";
    }).join(", ");
    window.__shifts.push({ value: e.value, input: e.hadRecentInput, who: who });
  });
}).observe({ type: "layout-shift", buffered: true });`

// settle waits until the page has loaded, then scrolls it from top to
// bottom a screen at a time, waiting at each stop for the images in view
// (the lazy ones too) to arrive, and back to the top: the whole load, as a
// reader scrolling through would see it.
const settle = `new Promise(function (done) {
  function ready() {
    return Array.prototype.every.call(document.images, function (img) {
      var r = img.getBoundingClientRect();
      var inView = r.bottom > 0 && r.top < innerHeight;
      return !inView || img.complete;
    });
  }
  function frames(n, then) { n ? requestAnimationFrame(function () { frames(n - 1, then); }) : then(); }
  function step(y) {
    if (!ready()) { setTimeout(function () { step(y); }, 20); return; }
    if (y >= document.documentElement.scrollHeight) { scrollTo(0, 0); frames(3, function () { done(true); }); return; }
    scrollTo(0, y);
    frames(2, function () { step(y + innerHeight); });
  }
  function start() { document.readyState === "complete" ? frames(2, function () { step(0); }) : setTimeout(start, 20); }
  start();
})`

type shift struct {
	Value float64 `json:"value"`
	Input bool    `json:"input"`
	Who   string  `json:"who"`
}

// visit opens url at a width and height, waits for wait (a selector, or
// ""), lets the page settle and returns its layout shifts.
func visit(t *testing.T, ctx context.Context, url string, width, height int64, wait string) []shift {
	t.Helper()
	nctx, cancel := context.WithTimeout(ctx, livePatience)
	defer cancel()
	actions := []chromedp.Action[chromedp.Void]{chromedp.EmulateViewport(width, height), chromedp.Navigate(url)}
	if wait != "" {
		actions = append(actions, chromedp.WaitVisible(wait))
	}
	if err := chromedp.Do(nctx, actions...); err != nil {
		t.Fatalf("%s at %d px: %v", url, width, err)
	}
	if _, err := chromedp.Run(nctx, chromedp.Evaluate[bool](settle, chromedp.EvalAwaitPromise)); err != nil {
		t.Fatalf("%s at %d px: waiting for the page to load: %v", url, width, err)
	}
	return evalJS[[]shift](t, ctx, `window.__shifts`)
}

// newThemeBrowser is a browser whose every page records its layout
// shifts from the start.
func newThemeBrowser(t *testing.T) context.Context {
	t.Helper()
	ctx := newBrowser(t)
	if err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: shiftObserver})
		return err
	})); err != nil {
		t.Fatal(err)
	}
	return ctx
}

// checkNoShift fails when a page moved while it loaded: cumulative layout
// shift must be 0, not merely small.
func checkNoShift(t *testing.T, ctx context.Context, s *themeServer, pages []string, wait map[string]string) {
	t.Helper()
	for _, size := range [][2]int64{{390, 844}, {1280, 900}} {
		for _, p := range pages {
			var cls float64
			var who []string
			for _, sh := range visit(t, ctx, s.base+p, size[0], size[1], wait[p]) {
				if !sh.Input {
					cls += sh.Value
					who = append(who, sh.Who)
				}
			}
			if cls != 0 {
				t.Errorf("/%s at %d px: cumulative layout shift %.4f (moved: %s), want 0", p, size[0], cls, strings.Join(who, "; "))
			}
		}
	}
}

func setMedia(t *testing.T, ctx context.Context, media string, features ...*emulation.MediaFeature) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: media, Features: features})
		return err
	})); err != nil {
		t.Fatal(err)
	}
}

func open(t *testing.T, ctx context.Context, url string, width, height int64, wait string) {
	t.Helper()
	nctx, cancel := context.WithTimeout(ctx, livePatience)
	defer cancel()
	if err := chromedp.Do(nctx, chromedp.EmulateViewport(width, height), chromedp.Navigate(url), chromedp.WaitVisible(wait)); err != nil {
		t.Fatalf("%s at %d px: %v", url, width, err)
	}
}

// blocks reads the front page's section blocks: each block's name and
// the titles of its cards.
const blocksJS = `Array.from(document.querySelectorAll(".block")).map(function (b) {
  return [b.querySelector(".block-name").textContent.trim()].concat(
    Array.from(b.querySelectorAll(".card-title a"), function (a) { return a.textContent; }));
})`

// TestBrowserThemeSample opens every kind of page of the sample digest in
// headless Chromium, served under its GitHub Pages base path: nothing
// moves while a page loads at a phone's width or a desktop's, no request
// answers 404, each section block shows its section's latest stories,
// the search page's controls and results are big enough to tap with three
// results above the fold, its filters fold away on a phone unless the URL
// holds one, an article's section is marked in the header, a section's
// cards leave out the section, the dark scheme and the print style apply.
func TestBrowserThemeSample(t *testing.T) {
	ctx := newThemeBrowser(t)
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "public")
	if _, err := pipeline.Build(pipeline.Options{SiteDir: root, OutDir: out, CacheDir: t.TempDir()}); err != nil {
		t.Fatal(err)
	}
	s := serveBuilt(t, out, "/kabar")
	const (
		withImage = "2025/04/29/grafik-rupiah-sepekan/"
		corrected = "2025/04/29/perpustakaan-daerah-buka-hingga-malam/"
	)
	pages := []string{"", "page/1/", withImage, corrected, "2025/04/28/korea-utara-akui-kirim-pasukan-ke-rusia/",
		"sections/ekonomi/", "tags/rupiah/", "sources/antara/", "2025/04/28/", "2025/04/", "2025/", "archive/", "tags/",
		"search/", "search/?q=rupiah", "search/?q=rupiah&section=ekonomi", "tidak-ada/"}
	wait := map[string]string{"search/?q=rupiah": "#search-results li", "search/?q=rupiah&section=ekonomi": "#search-results li"}
	checkNoShift(t, ctx, s, pages, wait)

	// Each block is its section's newest four, as the section's own page
	// lists them.
	open(t, ctx, s.base, 1280, 900, ".block")
	blocks := evalJS[[][]string](t, ctx, blocksJS)
	if len(blocks) != 4 {
		t.Fatalf("the front page has %d section blocks, want one per section of the sample (4): %q", len(blocks), blocks)
	}
	// The lead: the featured article, though a newer one has an image;
	// its image is not lazy.
	if got := evalJS[string](t, ctx, `document.querySelector(".lead .lead-title a").textContent`); got != "Uji Coba Jaringan 5G Diperluas ke Kawasan Industri" {
		t.Errorf("the lead story is %q, want the featured one", got)
	}
	if got := evalJS[string](t, ctx, `document.querySelector(".lead img").loading`); got != "auto" {
		t.Errorf("the lead image loads %q, want at once (auto)", got)
	}
	// At 1280 px the page is a wide grid: the lead and the next stories
	// side by side, the blocks three across, nothing wider than the screen.
	if got := evalJS[bool](t, ctx, `(function () {
	  var l = document.querySelector(".lead").getBoundingClientRect(), n = document.querySelector(".next").getBoundingClientRect();
	  var b = Array.from(document.querySelectorAll(".block"), e => Math.round(e.getBoundingClientRect().top));
	  return n.left > l.right && Math.abs(n.top - l.top) < 2 && b[0] === b[1] && b[1] === b[2] &&
	    document.querySelector(".front").getBoundingClientRect().width > 1000 && document.documentElement.scrollWidth <= innerWidth;
	})()`); !got {
		t.Error("at 1280 px the front page is not a grid of the lead beside the next stories and three blocks across")
	}
	for _, b := range blocks {
		open(t, ctx, s.base+"sections/"+strings.ToLower(b[0])+"/", 1280, 900, ".card")
		list := evalJS[[]string](t, ctx, `Array.from(document.querySelectorAll(".card-title a"), a => a.textContent)`)
		if want := list[:min(4, len(list))]; !slices.Equal(b[1:], want) {
			t.Errorf("the %s block shows %q, want its latest %q", b[0], b[1:], want)
		}
	}
	open(t, ctx, s.base, 390, 844, ".block")
	if got := evalJS[bool](t, ctx, `document.documentElement.scrollWidth <= innerWidth && document.querySelector(".next").getBoundingClientRect().top > document.querySelector(".lead").getBoundingClientRect().bottom`); !got {
		t.Error("at 390 px the front page is not one column within the screen")
	}

	// Search at a phone's size: three results in view, every control and
	// result at least 44 px each way, the filters folded.
	open(t, ctx, s.base+"search/?q=rupiah", 390, 844, "#search-results li")
	if n := evalJS[int](t, ctx, `Array.from(document.querySelectorAll("#search-results li h2 a")).filter(a => a.getBoundingClientRect().bottom <= innerHeight).length`); n < 3 {
		t.Errorf("%d results above the fold at 390×844, want at least 3", n)
	}
	if got := evalJS[bool](t, ctx, `document.getElementById("search-filters").open || document.getElementById("search-section").checkVisibility()`); got {
		t.Error("at 390 px the filters are shown with no filter in the URL")
	}
	evalJS[bool](t, ctx, `document.getElementById("search-filters").open = true`)
	small := evalJS[[]string](t, ctx, `Array.from(document.querySelectorAll("#search-form input, #search-form select, #search-form summary, #search-results a, #search-more:not([hidden])"))
	  .map(e => [e.id || e.nodeName + " " + e.textContent.slice(0, 30), e.getBoundingClientRect()])
	  .filter(x => x[1].width < 44 || x[1].height < 44).map(x => x[0] + ": " + Math.round(x[1].width) + "×" + Math.round(x[1].height))`)
	if len(small) > 0 {
		t.Errorf("tap targets smaller than 44×44 px on the search page at 390 px: %q", small)
	}
	if got := evalJS[int](t, ctx, `document.querySelectorAll("#search-form input, #search-form select, #search-form summary, #search-results a").length`); got < 8 {
		t.Errorf("measured %d tap targets, want the query, 5 filters, the disclosure and the results", got)
	}
	// A label keeps clear of its field's focus ring (3 px, 2 px off).
	if gap := evalJS[float64](t, ctx, `document.getElementById("search-q").getBoundingClientRect().top - document.querySelector("label[for=search-q]").getBoundingClientRect().bottom`); gap < 5 {
		t.Errorf("the query's label is %.1f px above the field, inside its focus ring", gap)
	}
	open(t, ctx, s.base+"search/?q=rupiah&section=ekonomi", 390, 844, "#search-results li")
	if got := evalJS[bool](t, ctx, `document.getElementById("search-filters").open && document.getElementById("search-section").value === "ekonomi"`); !got {
		t.Error("a filter in the URL leaves the filters folded at 390 px")
	}
	open(t, ctx, s.base+"search/", 1280, 900, "#search-q")
	if got := evalJS[bool](t, ctx, `document.getElementById("search-section").checkVisibility() && document.getElementById("search-section").getBoundingClientRect().height >= 44`); !got {
		t.Error("at 1280 px the filters are hidden")
	}

	// The article's section is the current one in the header; a section
	// page's cards leave the section out, the front page's show it.
	open(t, ctx, s.base+withImage, 1280, 900, "article h1")
	if got := evalJS[[]string](t, ctx, `Array.from(document.querySelectorAll(".nav a[aria-current]"), a => a.textContent + "=" + a.getAttribute("aria-current"))`); !slices.Equal(got, []string{"Ekonomi=true"}) {
		t.Errorf("the header marks %q on an Ekonomi article, want [Ekonomi=true]", got)
	}
	open(t, ctx, s.base+"sections/ekonomi/", 1280, 900, ".card")
	if n := evalJS[int](t, ctx, `Array.from(document.querySelectorAll(".card .meta a")).filter(a => a.offsetParent !== null && a.textContent === "Ekonomi").length`); n != 0 {
		t.Errorf("the Ekonomi page's cards name Ekonomi %d times", n)
	}
	open(t, ctx, s.base, 1280, 900, ".chrono .card")
	if n := evalJS[int](t, ctx, `Array.from(document.querySelectorAll(".chrono .card .meta-section a")).filter(a => a.offsetParent !== null).length`); n == 0 {
		t.Error("the front page's cards do not name their sections")
	}

	// Print: the article, its correction and the addresses of its links;
	// no navigation, search or footer.
	printed := func(p string) map[string]string {
		open(t, ctx, s.base+p, 1280, 900, "article h1")
		setMedia(t, ctx, "print")
		defer setMedia(t, ctx, "")
		return evalJS[map[string]string](t, ctx, `(function () {
		  var d = s => { var e = document.querySelector(s); return e ? getComputedStyle(e).display : "missing"; };
		  var link = document.querySelector(".attribution a[href^=http]");
		  return { nav: d(".masthead nav"), footer: d(".site-footer"), prevnext: d(".prevnext"), h1: d("article h1"), byline: d(".byline"),
		    correction: d(".correction"), body: d(".body"), attribution: d(".attribution"),
		    after: link ? getComputedStyle(link, "::after").content : "", href: link ? link.getAttribute("href") : "" };
		})()`)
	}
	pr := printed(corrected)
	for _, hidden := range []string{"nav", "footer", "prevnext"} {
		if pr[hidden] != "none" {
			t.Errorf("printed, the %s shows (display %s)", hidden, pr[hidden])
		}
	}
	for _, shown := range []string{"h1", "byline", "correction", "body", "attribution"} {
		if pr[shown] == "none" || pr[shown] == "missing" {
			t.Errorf("printed, the %s is %s", shown, pr[shown])
		}
	}
	pr = printed("2025/04/28/korea-utara-akui-kirim-pasukan-ke-rusia/")
	if pr["href"] == "" || !strings.Contains(pr["after"], pr["href"]) {
		t.Errorf("printed, the source link is followed by %s, want its address %q", pr["after"], pr["href"])
	}

	// The dark scheme: dark paper, light ink, and the code's dark palette.
	setMedia(t, ctx, "", &emulation.MediaFeature{Name: "prefers-color-scheme", Value: "dark"})
	open(t, ctx, s.base+withImage, 1280, 900, "article h1")
	if got := evalJS[[]string](t, ctx, `[getComputedStyle(document.body).backgroundColor, getComputedStyle(document.body).color]`); !slices.Equal(got, []string{"rgb(22, 19, 15)", "rgb(236, 230, 218)"}) {
		t.Errorf("in the dark scheme the page is %q (background, text)", got)
	}
	setMedia(t, ctx, "")
	s.noneLost(t, "/kabar/tidak-ada/")
}

// leadSite writes n generated articles, the ones picked by image with a
// lead image and the one picked by featured marked featured: true.
func leadSite(t *testing.T, n int, image func(i int) bool, featured int) (string, []testsite.Article) {
	t.Helper()
	dir := t.TempDir()
	g := testsite.New(19)
	list := make([]testsite.Article, n)
	for i := range list {
		list[i] = g.Next()
		if image(i) {
			list[i].Image = fmt.Sprintf("/img/foto-%d.png", i%3)
			list[i].Alt = "Foto ilustrasi " + list[i].Title
		}
		if i == featured {
			list[i].Front = "featured: true\n"
		}
		writeFile(t, dir, "content/"+list[i].File, list[i].Markdown())
	}
	for k := range 3 {
		var b strings.Builder
		img := image2(800, 450, color.RGBA{uint8(60 * k), 90, 140, 255})
		if err := png.Encode(&b, img); err != nil {
			t.Fatal(err)
		}
		writeFile(t, dir, fmt.Sprintf("static/img/foto-%d.png", k), b.String())
	}
	writeFile(t, dir, "site.yaml", "title: Uji Coba\nbase_url: https://example.github.io/uji/\ntimezone: Asia/Jakarta\n")
	return dir, list
}

func image2(w, h int, c color.RGBA) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{c.R, c.G, uint8(int(c.B) * y / h), 255})
		}
	}
	return img
}

// TestBrowserThemeGenerated builds a digest of 2,000 articles, every
// fifth with a lead image and one of the older ones featured, and reads
// its front page in headless Chromium: the featured article leads, each
// section block holds its section's newest four, and nothing moves on the
// front page, an article or the search page at either width.
func TestBrowserThemeGenerated(t *testing.T) {
	ctx := newThemeBrowser(t)
	const n, featured = 2000, 1500
	dir, list := leadSite(t, n, func(i int) bool { return i%5 == 2 }, featured)
	out := filepath.Join(t.TempDir(), "public")
	if _, err := pipeline.Build(pipeline.Options{SiteDir: dir, OutDir: out, CacheDir: t.TempDir(), Now: list[n-1].Date.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	s := serveBuilt(t, out, "/uji")
	open(t, ctx, s.base, 1280, 900, ".block")
	if got := evalJS[string](t, ctx, `document.querySelector(".lead .lead-title a").textContent`); got != list[featured].Title {
		t.Errorf("the lead story is %q, want the featured %q", got, list[featured].Title)
	}
	newest := map[string][]string{}
	for i := n - 1; i >= 0; i-- {
		sec := list[i].Section
		if len(newest[sec]) < 4 {
			newest[sec] = append(newest[sec], list[i].Title)
		}
	}
	blocks := evalJS[[][]string](t, ctx, blocksJS)
	if len(blocks) != len(newest) {
		t.Errorf("%d section blocks, want %d", len(blocks), len(newest))
	}
	for _, b := range blocks {
		if want := newest[b[0]]; !slices.Equal(b[1:], want) {
			t.Errorf("the %s block shows %q, want its newest %q", b[0], b[1:], want)
		}
	}
	withImage := strings.TrimSuffix(pageOf(list[n-3], list[n-3].File), "index.html")
	if list[n-3].Image == "" {
		t.Fatalf("article %d should have an image", n-3)
	}
	checkNoShift(t, ctx, s, []string{"", "page/1/", strings.TrimPrefix(withImage, "/"), "sections/ekonomi/", "search/?q=pasar"},
		map[string]string{"search/?q=pasar": "#search-results li"})
	s.noneLost(t)
}

// TestFrontPageLead builds small digests and reads who leads the front
// page: the newest featured article, else the newest with a lead image,
// else the newest; the lead shows its image large, not lazily.
func TestFrontPageLead(t *testing.T) {
	const n = 30
	for _, c := range []struct {
		name     string
		image    func(i int) bool
		featured int
		want     int
	}{
		{"featured", func(i int) bool { return i%4 == 0 }, 10, 10},
		{"newest with an image", func(i int) bool { return i == 20 || i == 25 }, -1, 25},
		{"newest", func(int) bool { return false }, -1, n - 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir, list := leadSite(t, n, c.image, c.featured)
			out := filepath.Join(t.TempDir(), "public")
			if _, err := pipeline.Build(pipeline.Options{SiteDir: dir, OutDir: out, CacheDir: t.TempDir(), Now: list[n-1].Date.Add(time.Hour)}); err != nil {
				t.Fatal(err)
			}
			home, err := os.ReadFile(filepath.Join(out, "index.html"))
			if err != nil {
				t.Fatal(err)
			}
			lead, _, ok := strings.Cut(string(home), `class="next"`)
			if !ok || !strings.Contains(lead, `class="lead"`) {
				t.Fatal("the front page has no lead story")
			}
			a := list[c.want]
			if !strings.Contains(lead, ">"+a.Title+"</a>") {
				t.Errorf("the lead is not %q:\n%s", a.Title, lead[strings.Index(lead, `class="lead"`):])
			}
			if hasImg := strings.Contains(lead, `class="lead-photo"`); hasImg != (a.Image != "") {
				t.Errorf("the lead shows an image: %v, want %v", hasImg, a.Image != "")
			}
			if strings.Contains(lead, `loading=lazy`) || strings.Contains(lead, `loading="lazy"`) {
				t.Error("the lead image is lazy")
			}
		})
	}
}
