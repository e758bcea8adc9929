import { Skeleton, TableContainer } from "@flowgate/ui";

/** A table's shape while its rows load: a header bar and `rows` rows of placeholder cells (Tailwind classes each). */
export function TableSkeleton({ label, rows, cells, headerWidth = "w-40" }: { label: string; rows: number; cells: readonly string[]; headerWidth?: string }) {
  return (
    <TableContainer aria-busy="true" aria-label={label}>
      <div className="border-b border-line bg-slate-50/80 px-4 py-3">
        <Skeleton className={`h-3 ${headerWidth}`} />
      </div>
      {Array.from({ length: rows }, (_, i) => (
        <div key={i} className="flex items-center gap-6 border-b border-slate-100 px-4 py-4 last:border-0">
          {cells.map((cell, j) => (
            <Skeleton key={j} className={cell} />
          ))}
        </div>
      ))}
    </TableContainer>
  );
}
