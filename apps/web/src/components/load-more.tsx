"use client";

import { Button, cn } from "@flowgate/ui";

/** The page-at-a-time part of an infinite query: what a "Load more" button needs. */
interface Pages {
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => Promise<unknown>;
}

/** "Load more" under a list paged on the server; nothing once the last page is in. */
export function LoadMore({ pages, label = "Load more", size, className }: { pages: Pages; label?: string; size?: "sm"; className?: string }) {
  if (!pages.hasNextPage) return null;
  return (
    <div className={cn("flex justify-center", className)}>
      <Button variant="secondary" size={size} loading={pages.isFetchingNextPage} onClick={() => void pages.fetchNextPage()}>
        {label}
      </Button>
    </div>
  );
}
