/**
 * The Node-RED 4 flow doing the vs-node-red work, written the way the Node-RED docs and forum
 * build it (one message per record between nodes):
 *
 *   inject → function "first page" → http request GET ⇄ function "next page" (loops until the last page)
 *                                                         ↓ (the page's `data` array)
 *   split (one message per product) → function "detect changes" (sha1 of the record, hashes in flow context)
 *   → switch "stock > 0" → join (arrays of 100) → http request POST /products/batch → function "check answer"
 *
 * The last partial batch: "detect changes" counts the products it has seen in this run and, after the
 * run's last one (`total` from the supplier's answer), sends `{ complete: true }`; the switch's second
 * rule (payload.stock is undefined) passes it on to the join, which flushes what it holds. Counting
 * rather than "last record of the last page" keeps it right whatever order the pages arrive in.
 */
export const INJECT_ID = "vsnr.start";

const TAB = "vsnr.tab";

export function nodeRedFlow(options: { supplierUrl: string; shopUrl: string; pageSize: number }): object[] {
  const pageUrl = (page: string) => `${JSON.stringify(`${options.supplierUrl}/products?per_page=${options.pageSize}&page=`)} + ${page}`;
  const node = (id: string, type: string, x: number, y: number, props: Record<string, unknown>, wires: string[][]) => ({
    id,
    type,
    z: TAB,
    name: id.replace("vsnr.", ""),
    x,
    y,
    wires,
    ...props,
  });
  const fn = (id: string, x: number, y: number, func: string, wires: string[][], extra: Record<string, unknown> = {}) =>
    node(id, "function", x, y, { func, outputs: wires.length, timeout: 0, noerr: 0, initialize: "", finalize: "", libs: [], ...extra }, wires);
  const httpRequest = (id: string, x: number, y: number, method: string, url: string, wires: string[][]) =>
    node(id, "http request", x, y, {
      method,
      ret: "obj",
      paytoqs: "ignore",
      url,
      tls: "",
      persist: true, // keep-alive, as Flowgate's HTTP client has
      proxy: "",
      insecureHTTPParser: false,
      authType: "",
      senderr: false,
      headers: [],
    }, wires);

  return [
    { id: TAB, type: "tab", label: "vs-node-red", disabled: false, info: "" },
    node(INJECT_ID, "inject", 100, 100, { props: [{ p: "payload" }], repeat: "", crontab: "", once: false, onceDelay: 0.1, topic: "", payload: "", payloadType: "date" }, [["vsnr.first-page"]]),
    fn("vsnr.first-page", 280, 100, `flow.set("seen", 0);\nreturn { url: ${pageUrl("1")} };`, [["vsnr.get-page"]]),
    httpRequest("vsnr.get-page", 460, 100, "GET", "", [["vsnr.next-page"]]),
    fn(
      "vsnr.next-page",
      640,
      100,
      `if (msg.statusCode !== 200) { node.error("supplier answered " + msg.statusCode, msg); return null; }
const body = msg.payload;
const next = body.page < body.total_pages ? { url: ${pageUrl("(body.page + 1)")} } : null;
return [{ payload: body.data, total: body.total }, next];`,
      [["vsnr.split"], ["vsnr.get-page"]],
    ),
    node("vsnr.split", "split", 100, 200, { splt: "\\n", spltType: "str", arraySplt: 1, arraySpltType: "len", stream: false, addname: "", property: "payload" }, [["vsnr.detect-changes"]]),
    fn(
      "vsnr.detect-changes",
      280,
      200,
      `let hashes = flow.get("hashes");
if (!hashes) { hashes = {}; flow.set("hashes", hashes); }
const record = msg.payload;
const hash = crypto.createHash("sha1").update(JSON.stringify(record)).digest("base64");
const out = [];
if (hashes[record.sku] !== hash) {
  hashes[record.sku] = hash;
  out.push({ payload: record });
}
const seen = flow.get("seen") + 1;
flow.set("seen", seen);
if (seen === msg.total) out.push({ complete: true });
return [out];`,
      [["vsnr.in-stock"]],
      { libs: [{ var: "crypto", module: "crypto" }] },
    ),
    node("vsnr.in-stock", "switch", 460, 200, {
      property: "payload.stock",
      propertyType: "msg",
      rules: [
        { t: "gt", v: "0", vt: "num" },
        { t: "istype", v: "undefined", vt: "undefined" },
      ],
      checkall: "false",
      repair: false,
      outputs: 2,
    }, [["vsnr.batch"], ["vsnr.batch"]]),
    node("vsnr.batch", "join", 640, 200, {
      mode: "custom",
      build: "array",
      property: "payload",
      propertyType: "msg",
      key: "topic",
      joiner: "\\n",
      joinerType: "str",
      useparts: false,
      accumulate: false,
      timeout: "",
      count: "100",
      reduceRight: false,
      reduceExp: "",
      reduceInit: "",
      reduceInitType: "",
      reduceFixup: "",
    }, [["vsnr.post-batch"]]),
    httpRequest("vsnr.post-batch", 820, 200, "POST", `${options.shopUrl}/products/batch`, [["vsnr.check-answer"]]),
    fn("vsnr.check-answer", 1000, 200, `if (msg.statusCode !== 200) node.error("shop answered " + msg.statusCode + ": " + JSON.stringify(msg.payload).slice(0, 300), msg);\nreturn null;`, []),
  ];
}
