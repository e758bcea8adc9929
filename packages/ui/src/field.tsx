"use client";

import { createContext, useContext, useId, type ComponentPropsWithRef, type ReactNode } from "react";
import { cn } from "./cn";

interface FieldContextValue {
  id: string;
  describedBy: string | undefined;
  invalid: boolean;
}

const FieldContext = createContext<FieldContextValue | null>(null);

/** Lets a control inside a Field pick up its id, description and invalid state. */
export function useFieldControl(props: { id?: string; "aria-describedby"?: string; "aria-invalid"?: unknown }) {
  const field = useContext(FieldContext);
  return {
    id: props.id ?? field?.id,
    "aria-describedby": props["aria-describedby"] ?? field?.describedBy,
    "aria-invalid": (props["aria-invalid"] as boolean | undefined) ?? (field?.invalid || undefined),
  };
}

export function Label({ className, ...rest }: ComponentPropsWithRef<"label">) {
  return <label className={cn("block text-sm font-medium text-slate-800", className)} {...rest} />;
}

export interface FieldProps {
  label: ReactNode;
  /** Shown under the control when there is no error. */
  hint?: ReactNode;
  error?: ReactNode;
  /** Shown after the label, e.g. "Optional". */
  aside?: ReactNode;
  id?: string;
  className?: string;
  children: ReactNode;
}

export function Field({ label, hint, error, aside, id, className, children }: FieldProps) {
  const generated = useId();
  const controlId = id ?? `field-${generated}`;
  const hintId = `${controlId}-hint`;
  const errorId = `${controlId}-error`;
  const describedBy = error ? errorId : hint ? hintId : undefined;
  return (
    <FieldContext.Provider value={{ id: controlId, describedBy, invalid: Boolean(error) }}>
      <div className={cn("space-y-1.5", className)}>
        <div className="flex items-baseline justify-between gap-2">
          <Label htmlFor={controlId}>{label}</Label>
          {aside ? <span className="text-xs text-slate-500">{aside}</span> : null}
        </div>
        {children}
        {error ? (
          <p id={errorId} className="text-sm text-red-700">
            {error}
          </p>
        ) : hint ? (
          <p id={hintId} className="text-sm text-slate-500">
            {hint}
          </p>
        ) : null}
      </div>
    </FieldContext.Provider>
  );
}
