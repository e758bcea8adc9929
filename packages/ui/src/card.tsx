import type { ComponentPropsWithRef, ReactNode } from "react";
import { cn } from "./cn";

export function Card({ className, ...rest }: ComponentPropsWithRef<"div">) {
  return <div className={cn("rounded-card border border-line bg-surface shadow-card", className)} {...rest} />;
}

export interface CardHeaderProps {
  title: ReactNode;
  description?: ReactNode;
  actions?: ReactNode;
  className?: string;
  /** Heading level for the title; defaults to h2. */
  as?: "h2" | "h3";
}

export function CardHeader({ title, description, actions, className, as: Heading = "h2" }: CardHeaderProps) {
  return (
    <div className={cn("flex items-start justify-between gap-4 border-b border-line px-5 py-4", className)}>
      <div className="min-w-0">
        <Heading className="text-base font-semibold text-slate-900">{title}</Heading>
        {description ? <p className="mt-0.5 text-sm text-slate-600">{description}</p> : null}
      </div>
      {actions ? <div className="flex shrink-0 items-center gap-2">{actions}</div> : null}
    </div>
  );
}

export function CardBody({ className, ...rest }: ComponentPropsWithRef<"div">) {
  return <div className={cn("px-5 py-4", className)} {...rest} />;
}
