// Runs axe-core in headless Chromium on one page of every kind of the
// built sample, served from its base path, at a phone's width and a
// desktop's, in the light colour scheme and the dark, and fails on any
// violation of any impact. The front page's blocks (lead story, next
// stories, section blocks, the edition link) and the search page's
// filters, open and closed, are among what it reads.
// Usage: node .ci/axe.mjs BASE_URL NODE_MODULES_DIR
import { createRequire } from "node:module";
import path from "node:path";

const [base, modules] = process.argv.slice(2);
const require = createRequire(path.join(modules, "x.js"));
const { chromium } = require("playwright-core");
const axePath = require.resolve("axe-core/axe.min.js");

const pages = [
  "", "page/1/", "2025/04/28/korea-utara-akui-kirim-pasukan-ke-rusia/", "2025/04/28/pusat-data-batam/",
  "2025/04/29/perpustakaan-daerah-buka-hingga-malam/",
  "2025/04/29/grafik-rupiah-sepekan/", "2025/04/28/", "2025/04/", "2025/", "archive/", "tags/", "tags/rupiah/", "sections/dunia/",
  "sources/antara/", "404.html", "search/", "search/?q=ekspor", "search/?q=rupiah&section=ekonomi",
];

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync"],
});
let failed = 0, checked = 0;
for (const [width, scheme] of [[390, "light"], [1280, "light"], [390, "dark"], [1280, "dark"]]) {
  const page = await browser.newPage({ viewport: { width, height: 900 }, colorScheme: scheme });
  for (const p of pages) {
    const res = await page.goto(base + p);
    if (!res || (res.status() !== 200 && !p.endsWith("404.html"))) {
      console.log(`${p}: HTTP ${res && res.status()}`);
      failed++;
      continue;
    }
    // A search page is checked with its results shown.
    if (p.startsWith("search/?")) await page.waitForSelector("#search-results li");
    // The front page must have its blocks, or axe would pass them unread.
    if (p === "") {
      for (const sel of [".lead .lead-title a", ".next .card", ".block .card", ".edition-link a"]) {
        if (!(await page.$(sel))) {
          console.log(`front page: no ${sel}`);
          failed++;
        }
      }
    }
    await page.addScriptTag({ path: axePath });
    checked++;
    const result = await page.evaluate(() => axe.run(document, { resultTypes: ["violations"] }));
    for (const v of result.violations) {
      failed++;
      console.log(`${p} (${width}px, ${scheme}): ${v.id} (${v.impact}): ${v.help}`);
      for (const n of v.nodes.slice(0, 3)) console.log(`    ${n.target.join(" ")}: ${n.failureSummary.split("\n").join(" ")}`);
    }
  }
  await page.close();
}
await browser.close();
if (failed) {
  console.log(`axe-core: ${failed} violation(s)`);
  process.exit(1);
}
console.log(`axe-core: no violations on ${pages.length} pages at 2 widths in 2 colour schemes (${checked} checks)`);
