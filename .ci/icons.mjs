// Renders the theme's PNG icons from static/favicon.svg in headless
// Chromium: the touch icon (180 px, on the paper colour, as iOS wants it
// without transparency) and the web app manifest's 192 and 512 px icons.
// Usage: node .ci/icons.mjs NODE_MODULES_DIR   (run from the repository root)
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import path from "node:path";

const [modules] = process.argv.slice(2);
const require = createRequire(path.join(modules, "x.js"));
const { chromium } = require("playwright-core");

const svg = readFileSync("static/favicon.svg", "utf8");
const browser = await chromium.launch({ executablePath: process.env.CHROME || "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] });
for (const [file, size, pad] of [["apple-touch-icon.png", 180, 0], ["icon-192.png", 192, 0], ["icon-512.png", 512, 0]]) {
  const page = await browser.newPage({ viewport: { width: size, height: size } });
  await page.setContent(`<style>html,body{margin:0;background:#fffdf8}svg{display:block;width:${size - 2 * pad}px;height:${size - 2 * pad}px;margin:${pad}px}</style>${svg}`);
  await page.screenshot({ path: path.join("static", file), omitBackground: false });
  await page.close();
  console.log(`static/${file}: ${size}x${size}`);
}
await browser.close();
