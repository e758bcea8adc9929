ALTER TABLE "change_set_items" ADD COLUMN "numeric_changes" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
-- Items written before this column: their changes, computed once here (the runtime writes them with new items).
UPDATE "change_set_items" i SET "numeric_changes" = c.changes
FROM (
  SELECT x.id, jsonb_object_agg(x.field, jsonb_build_object(
    'pct', CASE WHEN x.b = 0 THEN (CASE WHEN x.a = 0 THEN to_jsonb(0) ELSE to_jsonb('Infinity'::text) END) ELSE to_jsonb((abs(x.a - x.b) / abs(x.b) * 100)::float8) END,
    'delta', to_jsonb((x.a - x.b)::float8))) AS changes
  FROM (
    SELECT i.id, b.key AS field,
      CASE jsonb_typeof(b.value) WHEN 'number' THEN (b.value #>> '{}')::numeric
        WHEN 'string' THEN (CASE WHEN (b.value #>> '{}') ~ '^\s*[-+]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][-+]?[0-9]{1,3})?\s*$' THEN (b.value #>> '{}')::numeric END) END AS b,
      CASE jsonb_typeof(a.value) WHEN 'number' THEN (a.value #>> '{}')::numeric
        WHEN 'string' THEN (CASE WHEN (a.value #>> '{}') ~ '^\s*[-+]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][-+]?[0-9]{1,3})?\s*$' THEN (a.value #>> '{}')::numeric END) END AS a
    FROM "change_set_items" i
    CROSS JOIN LATERAL jsonb_each(CASE WHEN jsonb_typeof(i.before) = 'object' THEN i.before ELSE '{}'::jsonb END) b
    JOIN LATERAL jsonb_each(CASE WHEN jsonb_typeof(i.after) = 'object' THEN i.after ELSE '{}'::jsonb END) a ON a.key = b.key
  ) x
  WHERE x.b IS NOT NULL AND x.a IS NOT NULL
  GROUP BY x.id
) c
WHERE c.id = i.id;
