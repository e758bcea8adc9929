import type { ReactNode } from "react";
import { cn } from "./cn";

const tones = {
  error: { box: "bg-red-50 text-red-700", title: "text-red-800" },
  warning: { box: "bg-amber-50 text-amber-800", title: "text-amber-900" },
} as const;

const sizes = { sm: "px-3 py-2", md: "px-4 py-3" } as const;

export interface AlertProps {
  tone?: keyof typeof tones;
  /** A bold first line; the children follow under it. */
  title?: ReactNode;
  size?: keyof typeof sizes;
  /**
   * Announce the message (role="alert"), as for an error after an action. Set false for a
   * standing notice that is part of the page from the start.
   */
  live?: boolean;
  className?: string;
  children: ReactNode;
}

/** A tinted message box: the error from a failed submit, or a warning above a form. */
export function Alert({ tone = "error", title, size = "sm", live = true, className, children }: AlertProps) {
  return (
    <div role={live ? "alert" : undefined} className={cn("rounded-control text-sm", tones[tone].box, sizes[size], className)}>
      {title ? (
        <>
          <p className={cn("font-medium", tones[tone].title)}>{title}</p>
          <p className="mt-1">{children}</p>
        </>
      ) : (
        children
      )}
    </div>
  );
}
