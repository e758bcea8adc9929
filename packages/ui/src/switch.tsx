"use client";

import type { ComponentPropsWithRef } from "react";
import { cn } from "./cn";
import { useFieldControl } from "./field";

export interface SwitchProps extends Omit<ComponentPropsWithRef<"button">, "onChange" | "value"> {
  checked: boolean;
  onCheckedChange?: (checked: boolean) => void;
  size?: "sm" | "md";
}

export function Switch({ checked, onCheckedChange, size = "md", className, disabled, ...rest }: SwitchProps) {
  const control = useFieldControl(rest);
  return (
    <button
      type="button"
      role="switch"
      aria-checked={checked}
      disabled={disabled}
      onClick={() => onCheckedChange?.(!checked)}
      className={cn(
        "relative inline-flex shrink-0 cursor-pointer items-center rounded-full transition-colors",
        "disabled:cursor-not-allowed disabled:opacity-50",
        checked ? "bg-accent-600" : "bg-slate-300",
        size === "sm" ? "h-5 w-9" : "h-6 w-11",
        className,
      )}
      {...rest}
      {...control}
    >
      <span
        aria-hidden
        className={cn(
          "inline-block rounded-full bg-white shadow-sm transition-transform",
          size === "sm" ? "size-4" : "size-5",
          checked ? (size === "sm" ? "translate-x-4.5" : "translate-x-5.5") : "translate-x-0.5",
        )}
      />
    </button>
  );
}
