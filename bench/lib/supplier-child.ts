/**
 * The test-kit supplier API in a process of its own, so that serving pages costs the measured process
 * nothing (it would otherwise share one event loop with the flow and its ceiling alike). Driven over IPC:
 *   child → parent { type: "ready", url }
 *   parent → child { type: "change", percent }  →  child → parent { type: "changed", skus }
 */
import { startSupplierApi } from "@flowgate/testkit";

const { count, seed } = JSON.parse(process.argv[2] ?? "{}") as { count: number; seed: number };
const supplier = await startSupplierApi({ count, seed, maxPageSize: 1000 });
process.on("message", (message: { type: string; percent?: number }) => {
  if (message.type === "change") process.send!({ type: "changed", skus: supplier.changePercent(message.percent ?? 1) });
  if (message.type === "exit") void supplier.close().finally(() => process.exit(0));
});
process.send!({ type: "ready", url: supplier.url });
