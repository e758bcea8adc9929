/**
 * canvas-500: the editor opens a flow of 500 nodes (the most the schema allows) in ≤1 s and pans and
 * zooms smoothly, in Debian's Chromium against `npm start`'s product. Compared, in the same run, with
 * opening a flow of 5 nodes (what the page costs without the canvas's size).
 */
import type { Page } from "playwright-core";
import { signIn, trpc } from "../../e2e/src/api";
import { launchBrowser } from "../../e2e/src/browser";
import { signedInContext } from "../../e2e/src/editor-page";
import { removeDataDir, startProduct } from "../../e2e/src/product";
import { peakRssMb, report } from "../scenario";

const LOADS = 5;
const BIG = 500;

function chainFlow(size: number) {
  const columns = 25;
  const nodes = Array.from({ length: size }, (_, i) => ({
    id: `n${i}`,
    kind: i === 0 ? "trigger.manual" : "transform.map",
    kindVersion: 1,
    label: i === 0 ? "Start" : `Step ${i}`,
    position: { x: (i % columns) * 260, y: Math.floor(i / columns) * 140 },
    config: i === 0 ? {} : { fields: [{ target: `f${i}`, expression: "price * 2", type: "auto" }], keepUnmapped: true },
  }));
  const edges = nodes.slice(1).map((node, i) => ({ id: `e${i + 1}`, source: nodes[i]!.id, sourcePort: "out", target: node.id, targetPort: "in" }));
  return { schemaVersion: 1, nodes, edges, settings: { batchSize: 1000, maxConcurrentRuns: 1, timezone: "UTC", errorPolicy: "fail" } };
}

/** From navigation start to every node React Flow renders being measured and visible; ms on the page's own clock. */
async function openTime(page: Page, url: string, expectedAtLeast: number): Promise<number> {
  await page.goto(url, { waitUntil: "commit" });
  await page.waitForFunction(
    (min) => {
      const nodes = document.querySelectorAll(".react-flow__node");
      if (nodes.length < min) return false;
      for (const node of nodes) if (getComputedStyle(node).visibility === "hidden") return false;
      return true;
    },
    expectedAtLeast,
    { timeout: 60_000, polling: "raf" },
  );
  return page.evaluate(() => performance.now());
}

/** Frame intervals while the pane is dragged and wheel-zoomed: what a person feels as smooth or not. */
async function panZoomFrames(page: Page): Promise<number[]> {
  const box = (await page.locator(".react-flow__pane").boundingBox())!;
  // A string, not a function: tsx's name-keeping helper (__name) does not exist inside the page.
  await page.evaluate(`(() => {
    window.__frames = [];
    window.__stop = false;
    let last = performance.now();
    const tick = (now) => {
      window.__frames.push(now - last);
      last = now;
      if (!window.__stop) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  })()`);
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  for (let round = 0; round < 2; round++) {
    await page.mouse.move(cx, cy);
    await page.mouse.down();
    for (let i = 1; i <= 30; i++) await page.mouse.move(cx - i * 12, cy - i * 6);
    await page.mouse.up();
    for (let i = 0; i < 10; i++) await page.mouse.wheel(0, i < 5 ? -120 : 120);
  }
  return page.evaluate(() => {
    const w = window as unknown as { __frames: number[]; __stop: boolean };
    w.__stop = true;
    return w.__frames.slice(1);
  });
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};
const median = (values: number[]) => percentile(values, 50);
const round = (n: number) => Math.round(n);

const product = await startProduct();
const browser = await launchBrowser();
try {
  const cookie = await signIn(product.url, product.demo!.email, product.demo!.password);
  const make = async (name: string, size: number) => {
    const { id } = await trpc<{ id: string }>(product.url, cookie, "flows.create", { name }, "POST");
    await trpc(product.url, cookie, "flows.saveDraft", { flowId: id, document: chainFlow(size), baseRevision: 0 }, "POST");
    return id;
  };
  const bigId = await make("Canvas bench: 500 nodes", BIG);
  const smallId = await make("Canvas bench: 5 nodes", 5);

  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  await signedInContext(context, product.url, cookie);
  const page = await context.newPage();
  // Warm up: the first load compiles nothing (production build) but fills caches, as a second visit would.
  await openTime(page, `${product.url}/flows/${smallId}`, 5);
  await openTime(page, `${product.url}/flows/${bigId}`, 1);

  const big: number[] = [];
  const small: number[] = [];
  for (let i = 0; i < LOADS; i++) {
    small.push(await openTime(page, `${product.url}/flows/${smallId}`, 5));
    big.push(await openTime(page, `${product.url}/flows/${bigId}`, 1));
  }
  const rendered = await page.locator(".react-flow__node").count();
  const frames = await panZoomFrames(page);
  const frameP50 = percentile(frames, 50);
  const frameP95 = percentile(frames, 95);
  const longFrames = frames.filter((f) => f > 50).length;

  const bigMedian = median(big);
  const smallMedian = median(small);
  const openMet = bigMedian <= 1000;
  const smoothMet = frameP95 <= 50;
  report({
    scenario: "canvas-500",
    what:
      `The flow editor (Next production build from npm start, Debian Chromium headless with --disable-gpu, 1440×900) opens a flow of ${BIG} nodes ` +
      `(a chain: manual trigger → 499 Map fields nodes, 25 per row), from navigation start until every node React Flow renders is measured and visible, median of ${LOADS} loads after a warm-up; ` +
      `then the pane is dragged and wheel-zoomed (2 rounds of a 30-step drag and 10 wheel steps) while requestAnimationFrame records frame intervals. ` +
      `Counted in nodes, not records: records/s is nodes opened per second.`,
    records: BIG,
    seconds: bigMedian / 1000,
    recordsPerSecond: BIG / (bigMedian / 1000),
    peakRssMb: peakRssMb(),
    ceiling: { recordsPerSecond: 5 / (smallMedian / 1000), what: `the same page opening a flow of 5 nodes (median ${round(smallMedian)} ms), in nodes per second.` },
    ratio: smallMedian / bigMedian,
    goal: "opens in ≤1 s; pan and zoom p95 frame ≤50 ms",
    met: openMet && smoothMet,
    notes: [
      `Open, 500 nodes (ms): ${big.map(round).join(", ")}; 5 nodes (ms): ${small.map(round).join(", ")}; ${rendered} node elements in the DOM after the last load.`,
      `Pan and zoom: ${frames.length} frames, p50 ${round(frameP50)} ms, p95 ${round(frameP95)} ms, ${longFrames} over 50 ms.`,
      ...(openMet ? [] : [`Open goal missed: median ${round(bigMedian)} ms, ${round(bigMedian - 1000)} ms over 1 s.`]),
      ...(smoothMet ? [] : [`Smoothness goal missed: p95 frame ${round(frameP95)} ms, above 50 ms.`]),
    ],
  });
  await context.close();
} finally {
  await browser.close();
  await product.stop();
  await removeDataDir(product.dataDir);
}
