// Runs axe-core in headless Chromium on one page of every kind of the
// built sample, served from its base path, and fails on any violation.
// Usage: node .ci/axe.mjs BASE_URL NODE_MODULES_DIR
import { createRequire } from "node:module";
import path from "node:path";

const [base, modules] = process.argv.slice(2);
const require = createRequire(path.join(modules, "x.js"));
const { chromium } = require("playwright-core");
const axePath = require.resolve("axe-core/axe.min.js");

const pages = [
  "", "page/2/", "2025/04/28/korea-utara-akui-kirim-pasukan-ke-rusia/", "2025/04/28/pusat-data-batam/",
  "2025/04/29/perpustakaan-daerah-buka-hingga-malam/",
  "2025/04/29/grafik-rupiah-sepekan/", "2025/04/28/", "2025/04/", "2025/", "archive/", "tags/", "tags/rupiah/", "sections/dunia/",
  "sources/antara/", "404.html", "search/", "search/?q=ekspor",
];

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync"],
});
let failed = 0;
for (const width of [390, 1280]) {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  for (const p of pages) {
    const res = await page.goto(base + p);
    if (!res || (res.status() !== 200 && !p.endsWith("404.html"))) {
      console.log(`${p}: HTTP ${res && res.status()}`);
      failed++;
      continue;
    }
    // A search page is checked with its results shown.
    if (p.startsWith("search/?")) await page.waitForSelector("#search-results li");
    await page.addScriptTag({ path: axePath });
    const result = await page.evaluate(() => axe.run(document, { resultTypes: ["violations"] }));
    for (const v of result.violations) {
      failed++;
      console.log(`${p} (${width}px): ${v.id} (${v.impact}): ${v.help}`);
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
console.log(`axe-core: no violations on ${pages.length} pages at 2 widths`);
