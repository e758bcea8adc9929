"use client";

import { useEffect, useId, useRef, type ReactNode } from "react";
import { createPortal } from "react-dom";
import { Alert } from "./alert";
import { Button } from "./button";
import { CloseIcon } from "./close-icon";
import { cn } from "./cn";

const sizes = { sm: "max-w-md", md: "max-w-lg", lg: "max-w-2xl" } as const;

export interface DialogProps {
  open: boolean;
  /** Called on Escape, on a click outside, and by the close button. */
  onClose: () => void;
  title: ReactNode;
  description?: ReactNode;
  children?: ReactNode;
  size?: keyof typeof sizes;
  /** Set false while work is in flight so Escape or a stray click cannot drop it. */
  dismissible?: boolean;
  className?: string;
}

/**
 * Hides everything else in <body> from assistive technology while a modal is open. `inert` (from
 * showModal) already blocks focus and clicks, but not every accessibility-tree reader honours it;
 * aria-hidden on the siblings does, so "the button named Create" means the dialog's button.
 */
function hideSiblings(keep: Element): () => void {
  const hidden: Element[] = [];
  for (const child of Array.from(document.body.children)) {
    if (child === keep || child.contains(keep) || child.tagName === "SCRIPT") continue;
    if (child.getAttribute("aria-hidden") === "true") continue;
    child.setAttribute("aria-hidden", "true");
    hidden.push(child);
  }
  return () => {
    for (const child of hidden) child.removeAttribute("aria-hidden");
  };
}

/**
 * A modal built on the native <dialog> element, rendered into <body> while open: showModal()
 * makes the rest of the page inert (the focus trap), puts the dialog in the top layer and turns
 * Escape into a cancel event. Content mounts only while open, so forms start fresh each time.
 * Focus goes to [data-autofocus], else the first form control; it returns where it was on close.
 */
export function Dialog({
  open,
  onClose,
  title,
  description,
  children,
  size = "md",
  dismissible = true,
  className,
}: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const pressStartedOnBackdrop = useRef(false);
  const titleId = useId();
  const descriptionId = useId();

  useEffect(() => {
    const el = ref.current;
    if (!open || !el) return;
    const previouslyFocused = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!el.open) el.showModal();
    const restoreSiblings = hideSiblings(el);
    const target =
      el.querySelector<HTMLElement>("[data-autofocus]") ??
      el.querySelector<HTMLElement>("input:not([type=hidden]):not(:disabled), select:not(:disabled), textarea:not(:disabled)");
    target?.focus();
    return () => {
      restoreSiblings();
      if (el.open) el.close();
      if (previouslyFocused?.isConnected) previouslyFocused.focus();
    };
  }, [open]);

  if (!open || typeof document === "undefined") return null;

  return createPortal(
    <dialog
      ref={ref}
      role="dialog"
      aria-modal="true"
      aria-labelledby={titleId}
      aria-describedby={description ? descriptionId : undefined}
      onCancel={(event) => {
        event.preventDefault();
        if (dismissible) onClose();
      }}
      onMouseDown={(event) => {
        pressStartedOnBackdrop.current = event.target === ref.current;
      }}
      onClick={(event) => {
        if (event.target === ref.current && pressStartedOnBackdrop.current && dismissible) onClose();
      }}
      className={cn(
        "m-auto w-[calc(100%-2rem)] rounded-card bg-white p-0 text-slate-900 shadow-overlay open:animate-dialog-in",
        sizes[size],
        className,
      )}
    >
      <div className="px-6 pt-5 pb-6">
        <div className="mb-4 flex items-start justify-between gap-4">
          <div className="min-w-0">
            <h2 id={titleId} className="text-lg font-semibold text-slate-900">
              {title}
            </h2>
            {description ? (
              <div id={descriptionId} className="mt-1 text-sm leading-6 text-slate-600">
                {description}
              </div>
            ) : null}
          </div>
          <button
            type="button"
            aria-label="Close"
            onClick={onClose}
            disabled={!dismissible}
            className="-mt-1 -mr-2 rounded-control p-1.5 text-slate-400 hover:bg-slate-100 hover:text-slate-700 disabled:opacity-40"
          >
            <CloseIcon className="size-5" />
          </button>
        </div>
        {children}
      </div>
    </dialog>,
    document.body,
  );
}

export function DialogFooter({ className, children }: { className?: string; children: ReactNode }) {
  return <div className={cn("mt-6 flex flex-wrap justify-end gap-2", className)}>{children}</div>;
}

export interface ConfirmDialogProps {
  open: boolean;
  onClose: () => void;
  onConfirm: () => void;
  title: ReactNode;
  text?: ReactNode;
  confirmLabel?: string;
  cancelLabel?: string;
  /** Red confirm button, for destructive actions. */
  danger?: boolean;
  loading?: boolean;
  /** An error from the last attempt, shown above the buttons. */
  error?: ReactNode;
}

export function ConfirmDialog({
  open,
  onClose,
  onConfirm,
  title,
  text,
  confirmLabel = "Confirm",
  cancelLabel = "Cancel",
  danger = false,
  loading = false,
  error,
}: ConfirmDialogProps) {
  return (
    <Dialog open={open} onClose={onClose} title={title} description={text} size="sm" dismissible={!loading}>
      {error ? <Alert>{error}</Alert> : null}
      <DialogFooter>
        <Button data-autofocus variant="secondary" onClick={onClose} disabled={loading}>
          {cancelLabel}
        </Button>
        <Button variant={danger ? "danger" : "primary"} onClick={onConfirm} loading={loading}>
          {confirmLabel}
        </Button>
      </DialogFooter>
    </Dialog>
  );
}
