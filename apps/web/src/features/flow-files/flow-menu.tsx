"use client";

import { Button } from "@flowgate/ui";
import { useEffect, useId, useRef, useState } from "react";
import { TemplateIcon } from "@/components/icons";
import { SaveTemplateDialog } from "@/features/templates/save-template-dialog";
import { DownloadIcon, MoreIcon } from "./file-icons";
import { useExportFlow } from "./use-export-flow";

/** The editor header's "More" menu: export the flow file; save the flow as a template (editors). */
export function FlowMenu({ flow, canEdit, beforeSave }: { flow: { id: string; name: string }; canEdit: boolean; beforeSave?: () => Promise<unknown> }) {
  const [open, setOpen] = useState(false);
  const [saving, setSaving] = useState(false);
  const { exportFlow, exportingId } = useExportFlow();
  const menuId = useId();
  const rootRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!open) return;
    rootRef.current?.querySelector<HTMLButtonElement>('[role="menuitem"]')?.focus();
    function onPointer(event: MouseEvent) {
      if (!rootRef.current?.contains(event.target as Node)) setOpen(false);
    }
    function onKey(event: KeyboardEvent) {
      if (event.key === "Escape") {
        setOpen(false);
        buttonRef.current?.focus();
        return;
      }
      if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
      const items = [...(rootRef.current?.querySelectorAll<HTMLButtonElement>('[role="menuitem"]') ?? [])];
      const at = items.indexOf(document.activeElement as HTMLButtonElement);
      const next = items[(at + (event.key === "ArrowDown" ? 1 : items.length - 1)) % items.length];
      event.preventDefault();
      next?.focus();
    }
    document.addEventListener("mousedown", onPointer);
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("mousedown", onPointer);
      document.removeEventListener("keydown", onKey);
    };
  }, [open]);

  const itemClasses =
    "flex w-full items-center gap-2 rounded-control px-2.5 py-2 text-left text-sm text-slate-700 hover:bg-slate-100 focus-visible:bg-slate-100 focus-visible:outline-none disabled:opacity-60";
  return (
    <div ref={rootRef} className="relative">
      <Button
        ref={buttonRef}
        variant="ghost"
        size="icon"
        aria-label="More actions"
        title="More actions"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        onClick={() => setOpen((value) => !value)}
      >
        <MoreIcon className="size-4" />
      </Button>
      {open ? (
        <div id={menuId} role="menu" aria-label="More actions" className="absolute top-full right-0 z-30 mt-1 w-60 rounded-card border border-line bg-white p-1.5 shadow-overlay">
          <button
            type="button"
            role="menuitem"
            className={itemClasses}
            disabled={exportingId !== null}
            onClick={() => {
              setOpen(false);
              void exportFlow(flow);
            }}
          >
            <DownloadIcon className="size-4 text-slate-400" />
            Export flow file
          </button>
          {canEdit ? (
            <button
              type="button"
              role="menuitem"
              className={itemClasses}
              onClick={() => {
                setOpen(false);
                setSaving(true);
              }}
            >
              <TemplateIcon className="size-4 text-slate-400" />
              Save as template…
            </button>
          ) : null}
        </div>
      ) : null}
      {saving ? <SaveTemplateDialog open onClose={() => setSaving(false)} flow={flow} beforeSave={beforeSave} /> : null}
    </div>
  );
}
