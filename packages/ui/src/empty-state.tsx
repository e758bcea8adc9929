import type { ReactNode } from "react";
import { cn } from "./cn";

export interface EmptyStateProps {
  icon?: ReactNode;
  title: ReactNode;
  text?: ReactNode;
  actions?: ReactNode;
  /** Extra content under the actions, e.g. a "coming soon" hint. */
  footer?: ReactNode;
  className?: string;
}

export function EmptyState({ icon, title, text, actions, footer, className }: EmptyStateProps) {
  return (
    <div
      className={cn(
        "flex flex-col items-center rounded-card border border-dashed border-slate-300 bg-white/60 px-6 py-14 text-center",
        className,
      )}
    >
      {icon ? (
        <div aria-hidden className="mb-4 flex size-12 items-center justify-center rounded-full bg-accent-50 text-accent-600 [&>svg]:size-6">
          {icon}
        </div>
      ) : null}
      <h2 className="text-lg font-semibold text-slate-900">{title}</h2>
      {text ? <div className="mt-2 max-w-lg text-sm leading-6 text-slate-600">{text}</div> : null}
      {actions ? <div className="mt-6 flex flex-wrap items-center justify-center gap-3">{actions}</div> : null}
      {footer ? <div className="mt-4 text-sm text-slate-500">{footer}</div> : null}
    </div>
  );
}
