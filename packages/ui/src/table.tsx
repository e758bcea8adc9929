import type { ComponentPropsWithRef, ReactNode } from "react";
import { cn } from "./cn";

/** Wraps the table in a bordered, horizontally scrollable card. */
export function TableContainer({ className, ...rest }: ComponentPropsWithRef<"div">) {
  return (
    <div
      className={cn("overflow-x-auto rounded-card border border-line bg-surface shadow-card", className)}
      {...rest}
    />
  );
}

export function Table({ className, ...rest }: ComponentPropsWithRef<"table">) {
  return <table className={cn("w-full border-collapse text-left text-sm", className)} {...rest} />;
}

export function THead({ className, ...rest }: ComponentPropsWithRef<"thead">) {
  return <thead className={cn("border-b border-line bg-slate-50/80", className)} {...rest} />;
}

export function TBody({ className, ...rest }: ComponentPropsWithRef<"tbody">) {
  return <tbody className={cn("divide-y divide-slate-100", className)} {...rest} />;
}

export function TR({ className, ...rest }: ComponentPropsWithRef<"tr">) {
  return <tr className={cn("transition-colors hover:bg-slate-50/60", className)} {...rest} />;
}

export function TH({ className, scope = "col", ...rest }: ComponentPropsWithRef<"th">) {
  return (
    <th
      scope={scope}
      className={cn("px-4 py-2.5 text-xs font-medium tracking-wide text-slate-500 uppercase", className)}
      {...rest}
    />
  );
}

export function TD({ className, ...rest }: ComponentPropsWithRef<"td">) {
  return <td className={cn("px-4 py-3 align-middle text-slate-700", className)} {...rest} />;
}

/** The header over a column of row actions: empty to the eye, named for screen readers. */
export function THActions({ label = "Actions" }: { label?: string }) {
  return (
    <TH className="text-right">
      <span className="sr-only">{label}</span>
    </TH>
  );
}

/** The cell that holds a row's action buttons, kept on one line at the right. */
export function TDActions({ className, ...rest }: ComponentPropsWithRef<"td">) {
  return <TD className={cn("text-right whitespace-nowrap", className)} {...rest} />;
}

/** A whole table in its container: `head` is the header row's cells, `children` the body rows. */
export function DataTable({ head, children }: { head: ReactNode; children: ReactNode }) {
  return (
    <TableContainer>
      <Table>
        <THead>
          <tr>{head}</tr>
        </THead>
        <TBody>{children}</TBody>
      </Table>
    </TableContainer>
  );
}
