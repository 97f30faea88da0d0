// Drives Debian's chromium for gcsh's page tests: one JSON request a line on stdin, one JSON
// answer a line on stdout. Requests: {"op": "goto", "url", "offline"?}, {"op": "press", "key"},
// {"op": "click", "selector"}, {"op": "text", "selector"}, {"op": "attr", "selector", "name"},
// {"op": "wait_text", "selector", "contains", "timeout"}, {"op": "screenshot", "path", "full"?},
// {"op": "requests"} (every request the page made), {"op": "errors"} (page errors), {"op": "close"}.
import { chromium } from 'playwright-core';
import readline from 'node:readline';

const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: FLAGS });
const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
const page = await context.newPage();
const requests = [], errors = [];
page.on('request', (r) => requests.push(r.url()));
page.on('pageerror', (e) => errors.push(String(e)));
page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });

async function handle(q) {
  switch (q.op) {
    case 'goto':
      if (q.offline) await context.setOffline(true);  // a self-contained page needs no network
      await page.goto(q.url, { waitUntil: 'load' });
      return { title: await page.title() };
    case 'press':
      await page.keyboard.press(q.key);
      return {};
    case 'click':
      await page.click(q.selector);
      return {};
    case 'text':
      return { text: await page.textContent(q.selector) };
    case 'attr':
      return { value: await page.getAttribute(q.selector, q.name) };
    case 'wait_text': {
      const started = Date.now();
      await page.waitForFunction(([sel, text]) => {
        const el = document.querySelector(sel);
        return el && el.textContent.includes(text);
      }, [q.selector, q.contains], { timeout: q.timeout || 10000, polling: 10 });
      return { ms: Date.now() - started };
    }
    case 'screenshot':
      await page.screenshot({ path: q.path, fullPage: !!q.full, ...(q.clip ? { clip: q.clip } : {}) });
      return {};
    case 'requests':
      return { urls: requests };
    case 'errors':
      return { errors };
    case 'close':
      await browser.close();
      return {};
    default:
      throw new Error(`unknown op ${q.op}`);
  }
}

const lines = readline.createInterface({ input: process.stdin });
console.log(JSON.stringify({ ready: true }));
for await (const line of lines) {
  if (!line.trim()) continue;
  const q = JSON.parse(line);
  let answer;
  try {
    answer = { ok: true, ...(await handle(q)) };
  } catch (e) {
    answer = { ok: false, error: String(e && e.message || e) };
  }
  console.log(JSON.stringify(answer));
  if (q.op === 'close') break;
}
await browser.close().catch(() => {});
process.exit(0);
