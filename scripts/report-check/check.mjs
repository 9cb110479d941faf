// Renders an audit report (solvent audit series --out DIR) in Debian's headless Chromium and
// checks what a person sees: the page's rendered text holds every expected string, every chart is
// drawn (an SVG with a visible box and lines), no request leaves the page, and a screenshot.
//
// node check.mjs DIR/index.html SCREENSHOT.png "expected text" ...
import { chromium } from "playwright-core";
import { pathToFileURL } from "node:url";
import { statSync } from "node:fs";

const [page_path, screenshot, ...expected] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync"],
});
let failures = [];
try {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const requests = [];
  page.on("request", (r) => { if (!r.url().startsWith("file:")) requests.push(r.url()); });
  await page.goto(pathToFileURL(page_path).href);
  const text = await page.innerText("body");
  for (const want of expected) {
    if (!text.includes(want)) failures.push(`the page does not show ${JSON.stringify(want)}`);
  }
  const charts = await page.$$eval("svg", (svgs) => svgs.map((s) => {
    const box = s.getBoundingClientRect();
    return { width: box.width, height: box.height, lines: s.querySelectorAll("polyline").length };
  }));
  if (charts.length < 4) failures.push(`${charts.length} charts drawn, not 4`);
  charts.forEach((c, i) => {
    if (c.width < 100 || c.height < 100 || c.lines === 0) failures.push(`chart ${i} is not drawn: ${JSON.stringify(c)}`);
  });
  if (requests.length) failures.push(`the page reached outside itself: ${requests.join(", ")}`);
  await page.screenshot({ path: screenshot, fullPage: true });
  const size = statSync(screenshot).size;
  if (size < 20000) failures.push(`the screenshot is ${size} bytes: a blank page?`);
  console.log(`rendered: ${text.length} characters of text, ${charts.length} charts, screenshot ${screenshot} (${size} bytes)`);
} finally {
  await browser.close();
}
if (failures.length) {
  for (const f of failures) console.error(`FAIL: ${f}`);
  process.exit(1);
}
console.log("the report shows the series");
