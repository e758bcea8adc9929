"use client";

import type { Position } from "@flowgate/flow";
import { useToast } from "@flowgate/ui";
import { useEffect } from "react";
import type { EditorStore } from "../editor-store";
import { copyText, deleteSelection, duplicateSelected, pasteText, selectAll } from "./actions";
import { setRenaming } from "./canvas-bridge";
import { isTypingTarget } from "./shortcuts";

/** How long a Ctrl+C/V/X waits for the browser's own copy/paste/cut event before using the async clipboard. */
const CLIPBOARD_EVENT_WAIT_MS = 120;

/**
 * The canvas's keyboard shortcuts (listed in SHORTCUT_GROUPS), installed on the document while the
 * canvas is mounted. Keys typed into a field (the inspector, a code editor, a dialog) are left alone.
 * Copy and paste go through the browser's clipboard events, which need no permission; if a browser
 * sends none, the async clipboard API takes over.
 */
export function useCanvasShortcuts(store: EditorStore, pasteAnchor: () => Position): void {
  const { toast } = useToast();

  useEffect(() => {
    let pendingClipboard: { kind: "copy" | "cut" | "paste"; timer: number } | null = null;
    let lastPaste: { anchor: Position; times: number } | null = null;

    const ignored = (event: Event) => {
      const target = event.target instanceof Element ? event.target : document.activeElement;
      return isTypingTarget(target) || (target instanceof Element && target.closest("dialog, [role='dialog'], [role='alertdialog']") !== null);
    };
    const textSelected = () => (window.getSelection()?.toString() ?? "") !== "";

    const copy = (write: (text: string) => void, cut: boolean) => {
      const text = copyText(store, toast);
      if (text === null) return false;
      write(text);
      if (cut && !store.getSnapshot().readOnly) deleteSelection(store);
      return true;
    };

    const paste = (text: string) => {
      if (store.getSnapshot().readOnly) return;
      let anchor = pasteAnchor();
      // Pasting again at the same spot fans the copies out instead of stacking them.
      const same = lastPaste && Math.abs(lastPaste.anchor.x - anchor.x) < 1 && Math.abs(lastPaste.anchor.y - anchor.y) < 1;
      lastPaste = same && lastPaste ? { anchor, times: lastPaste.times + 1 } : { anchor, times: 0 };
      anchor = { x: anchor.x + lastPaste.times * 32, y: anchor.y + lastPaste.times * 32 };
      pasteText(store, text, anchor, toast);
    };

    const settle = (kind: "copy" | "cut" | "paste") => {
      if (pendingClipboard?.kind === kind) {
        window.clearTimeout(pendingClipboard.timer);
        pendingClipboard = null;
      }
    };

    const fallback = (kind: "copy" | "cut" | "paste") => {
      if (pendingClipboard) window.clearTimeout(pendingClipboard.timer);
      const timer = window.setTimeout(() => {
        pendingClipboard = null;
        const clipboard = navigator.clipboard;
        if (kind === "paste") {
          clipboard?.readText().then(paste, () =>
            toast({
              tone: "error",
              title: "The clipboard could not be read",
              description: "Allow this site to read the clipboard in the browser, or paste again with Ctrl+V (⌘V on a Mac).",
            }),
          );
        } else {
          copy((text) => void clipboard?.writeText(text), kind === "cut");
        }
      }, CLIPBOARD_EVENT_WAIT_MS);
      pendingClipboard = { kind, timer };
    };

    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.isComposing || ignored(event)) return;
      const mod = event.ctrlKey || event.metaKey;
      const key = event.key.toLowerCase();
      const { readOnly, selection } = store.getSnapshot();

      if (mod && !event.altKey) {
        if (key === "z") {
          event.preventDefault();
          if (event.shiftKey) store.redo();
          else store.undo();
        } else if (key === "y" && !event.shiftKey) {
          event.preventDefault();
          store.redo();
        } else if (key === "a") {
          event.preventDefault();
          selectAll(store);
        } else if (key === "d") {
          event.preventDefault();
          if (!readOnly) duplicateSelected(store, toast);
        } else if ((key === "c" || key === "x") && !textSelected()) {
          fallback(key === "c" ? "copy" : "cut");
        } else if (key === "v") {
          fallback("paste");
        }
        return;
      }
      if (event.altKey) return;
      if (key === "delete" || key === "backspace") {
        if (readOnly || (selection.nodes.length === 0 && selection.edges.length === 0)) return;
        event.preventDefault();
        deleteSelection(store);
      } else if (key === "escape") {
        if (selection.nodes.length > 0 || selection.edges.length > 0) store.select({});
      } else if (key === "f2") {
        const last = selection.nodes[selection.nodes.length - 1];
        if (!readOnly && last) {
          event.preventDefault();
          setRenaming(store, last);
        }
      }
    };

    const onCopy = (event: ClipboardEvent) => {
      const kind = event.type === "cut" ? "cut" : "copy";
      settle(kind);
      if (ignored(event) || textSelected() || !event.clipboardData) return;
      const clipboardData = event.clipboardData;
      if (copy((text) => clipboardData.setData("text/plain", text), kind === "cut")) event.preventDefault();
    };

    const onPaste = (event: ClipboardEvent) => {
      settle("paste");
      if (ignored(event) || !event.clipboardData) return;
      event.preventDefault();
      paste(event.clipboardData.getData("text/plain"));
    };

    document.addEventListener("keydown", onKeyDown);
    document.addEventListener("copy", onCopy);
    document.addEventListener("cut", onCopy);
    document.addEventListener("paste", onPaste);
    return () => {
      if (pendingClipboard) window.clearTimeout(pendingClipboard.timer);
      document.removeEventListener("keydown", onKeyDown);
      document.removeEventListener("copy", onCopy);
      document.removeEventListener("cut", onCopy);
      document.removeEventListener("paste", onPaste);
    };
  }, [store, toast, pasteAnchor]);
}
