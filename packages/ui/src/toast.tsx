"use client";

import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from "react";
import { CloseIcon } from "./close-icon";
import { cn } from "./cn";

export type ToastTone = "info" | "success" | "error";

export interface ToastInput {
  title: string;
  description?: string;
  tone?: ToastTone;
  /** Milliseconds; errors stay a little longer by default. */
  duration?: number;
}

interface ToastItem extends ToastInput {
  id: number;
}

interface ToastContextValue {
  toast: (input: ToastInput) => void;
  dismiss: (id: number) => void;
}

const ToastContext = createContext<ToastContextValue | null>(null);

const toneClasses: Record<ToastTone, string> = {
  info: "border-slate-200",
  success: "border-emerald-200",
  error: "border-red-200",
};

const toneDot: Record<ToastTone, string> = {
  info: "bg-accent-500",
  success: "bg-emerald-500",
  error: "bg-red-500",
};

export function ToastProvider({ children }: { children: ReactNode }) {
  const [items, setItems] = useState<ToastItem[]>([]);
  const nextId = useRef(1);

  const dismiss = useCallback((id: number) => {
    setItems((current) => current.filter((item) => item.id !== id));
  }, []);

  const toast = useCallback(
    (input: ToastInput) => {
      const id = nextId.current++;
      setItems((current) => [...current.slice(-3), { ...input, id }]);
      const duration = input.duration ?? (input.tone === "error" ? 7000 : 4000);
      window.setTimeout(() => dismiss(id), duration);
    },
    [dismiss],
  );

  const value = useMemo(() => ({ toast, dismiss }), [toast, dismiss]);

  return (
    <ToastContext.Provider value={value}>
      {children}
      <div
        aria-live="polite"
        className="pointer-events-none fixed right-4 bottom-4 z-50 flex w-full max-w-sm flex-col gap-2"
      >
        {items.map((item) => {
          const tone = item.tone ?? "info";
          return (
            <div
              key={item.id}
              role={tone === "error" ? "alert" : "status"}
              className={cn(
                "pointer-events-auto flex animate-toast-in items-start gap-3 rounded-card border bg-white px-4 py-3 shadow-overlay",
                toneClasses[tone],
              )}
            >
              <span aria-hidden className={cn("mt-1.5 size-2 shrink-0 rounded-full", toneDot[tone])} />
              <div className="min-w-0 flex-1">
                <p className="text-sm font-medium text-slate-900">{item.title}</p>
                {item.description ? <p className="mt-0.5 text-sm text-slate-600">{item.description}</p> : null}
              </div>
              <button
                type="button"
                aria-label="Dismiss"
                onClick={() => dismiss(item.id)}
                className="-mr-1 rounded p-0.5 text-slate-400 hover:text-slate-700"
              >
                <CloseIcon className="size-4" />
              </button>
            </div>
          );
        })}
      </div>
    </ToastContext.Provider>
  );
}

export function useToast(): ToastContextValue {
  const value = useContext(ToastContext);
  if (!value) throw new Error("useToast must be used inside <ToastProvider>.");
  return value;
}
