"use client";

import { useToast } from "@flowgate/ui";
import { useState } from "react";
import { errorMessage } from "@/lib/errors";
import { useTRPCClient } from "@/lib/trpc";

/** Hands `text` to the browser as a download named `fileName` (an object URL, never the text in an href). */
export function downloadText(fileName: string, text: string, type = "application/json") {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName || "flow.json";
  link.rel = "noopener";
  document.body.appendChild(link);
  link.click();
  link.remove();
  // Give the browser a moment to start the download before the URL goes.
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * Exports a flow as its JSON file (the published version, else the draft; connections as refs, never
 * a secret) and downloads it. Fetched on demand: the file is not worth caching.
 */
export function useExportFlow() {
  const client = useTRPCClient();
  const { toast } = useToast();
  const [exportingId, setExportingId] = useState<string | null>(null);
  async function exportFlow(flow: { id: string; name: string }) {
    if (exportingId) return;
    setExportingId(flow.id);
    try {
      const { fileName, fileText } = await client.flows.export.query({ flowId: flow.id });
      downloadText(fileName, fileText);
      toast({ tone: "success", title: `Exported “${flow.name}”`, description: `Saved as ${fileName}. It holds no secrets: connections are listed by kind and name only.` });
    } catch (error) {
      toast({ tone: "error", title: `“${flow.name}” was not exported`, description: errorMessage(error) });
    } finally {
      setExportingId(null);
    }
  }
  return { exportFlow, exportingId };
}
