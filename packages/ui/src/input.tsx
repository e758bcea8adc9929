"use client";

import type { ComponentPropsWithRef } from "react";
import { cn } from "./cn";
import { useFieldControl } from "./field";

export const controlClasses = cn(
  "block w-full rounded-control border border-slate-300 bg-white px-3 text-sm text-slate-900 shadow-xs",
  "placeholder:text-slate-400 transition-colors",
  "focus:border-accent-500 focus:ring-3 focus:ring-accent-500/20 focus:outline-none",
  "disabled:cursor-not-allowed disabled:bg-slate-50 disabled:text-slate-500",
  "aria-invalid:border-red-400 aria-invalid:focus:ring-red-500/20",
);

export function Input({ className, ...rest }: ComponentPropsWithRef<"input">) {
  const control = useFieldControl(rest);
  return <input className={cn(controlClasses, "h-9", className)} {...rest} {...control} />;
}

export function Textarea({ className, ...rest }: ComponentPropsWithRef<"textarea">) {
  const control = useFieldControl(rest);
  return <textarea className={cn(controlClasses, "min-h-20 py-2", className)} {...rest} {...control} />;
}
