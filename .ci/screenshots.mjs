// Makes the README's screenshots: builds the sample digest, serves it with
// the preview server and photographs it in headless Chromium, into
// .github/screenshots/. Run it after a change to the theme:
//   npm install --prefix /tmp/shots playwright-core
//   node .ci/screenshots.mjs /tmp/shots/node_modules      (from the repository root)
import { createRequire } from "node:module";
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";

const [modules] = process.argv.slice(2);
const require = createRequire(path.join(modules, "x.js"));
const { chromium } = require("playwright-core");

const tmp = mkdtempSync(path.join(os.tmpdir(), "kabar-shots-"));
execFileSync("go", ["build", "-o", path.join(tmp, "kabar"), "./generator"], { stdio: "inherit" });
// The sample's fixed "now" keeps every article in and the pages the same from run to run.
const server = spawn(path.join(tmp, "kabar"), ["serve", "--addr", "127.0.0.1:0", "--no-reload"],
  { env: { ...process.env, SOURCE_DATE_EPOCH: "1746000000" }, stdio: ["ignore", "pipe", "inherit"] });
const base = await new Promise((resolve, reject) => {
  let out = "";
  server.stdout.on("data", (d) => {
    out += d;
    const m = out.match(/^serving (\S+)/m);
    if (m) resolve(m[1]);
  });
  server.on("exit", (code) => reject(new Error(`serve exited with ${code}`)));
});

const shots = [
  // file, page, width, height, colour scheme, what to wait for
  ["front-1280.png", "", 1280, 1280, "light"],
  ["front-390.png", "", 390, 1500, "light"],
  ["article-1280.png", "2025/04/29/perpustakaan-daerah-buka-hingga-malam/", 1280, 1100, "light"],
  ["search-390.png", "search/?q=rupiah", 390, 844, "light", "#search-results li"],
  ["front-dark-1280.png", "", 1280, 1100, "dark"],
  ["article-dark-390.png", "2025/04/29/grafik-rupiah-sepekan/", 390, 844, "dark"],
  ["front-dark-390.png", "", 390, 844, "dark"],
];
const browser = await chromium.launch({
  executablePath: process.env.CHROME || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--font-render-hinting=none"],
});
try {
  for (const [file, p, width, height, scheme, wait] of shots) {
    const page = await browser.newPage({ viewport: { width, height }, colorScheme: scheme });
    await page.goto(base + p, { waitUntil: "load" });
    if (wait) await page.waitForSelector(wait);
    // Lazy images below the fold are loaded before the picture is taken.
    await page.evaluate(() => Promise.all(Array.from(document.images, (img) => { img.loading = "eager"; return img.decode().catch(() => {}); })));
    await page.screenshot({ path: path.join(".github/screenshots", file) });
    await page.close();
    console.log(`.github/screenshots/${file}`);
  }
} finally {
  await browser.close();
  server.kill();
}
