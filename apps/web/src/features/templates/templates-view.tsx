"use client";

import { parseFlow, type Flow } from "@flowgate/flow";
import { Alert, Badge, Button, cn, Dialog, DialogFooter, EmptyState, Input, PageHeader, Skeleton, useToast } from "@flowgate/ui";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useEffect, useMemo, useState } from "react";
import { QueryErrorState } from "@/components/error-state";
import { SearchIcon, TemplateIcon } from "@/components/icons";
import { useWorkspace } from "@/components/use-workspace";
import { definitionOf } from "@/features/flow-editor/canvas/kinds";
import { DownloadIcon, UploadIcon } from "@/features/flow-files/file-icons";
import { downloadText } from "@/features/flow-files/use-export-flow";
import { errorMessage } from "@/lib/errors";
import { useTRPC, useTRPCClient } from "@/lib/trpc";
import { ImportTemplateDialog } from "./import-template-dialog";
import { InstallTemplateDialog } from "./install-dialog";
import { TemplateCanvas } from "./template-canvas";
import {
  connectionKindLabel,
  kindChain,
  TEMPLATE_CATEGORY_LABELS,
  TEMPLATE_CATEGORY_ORDER,
  usesText,
  type TemplateCategory,
  type TemplateDetail,
  type TemplateSummary,
} from "./template-text";

const VISIBILITY_LABELS: Record<TemplateSummary["visibility"], string> = { builtin: "Built in", workspace: "This workspace", install: "All workspaces" };
const labelOfKind = (kind: string) => definitionOf(kind)?.label;

function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = window.setTimeout(() => setDebounced(value), ms);
    return () => window.clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}

/** The gallery: search, categories, cards; ?template=<id> opens a template's preview (a link from "Save as template"). */
export function TemplatesView() {
  const trpc = useTRPC();
  const router = useRouter();
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const { canEdit, canAdmin } = useWorkspace();
  const [importing, setImporting] = useState(false);
  const [search, setSearch] = useState("");
  const [category, setCategory] = useState<TemplateCategory | "all">("all");
  const debounced = useDebounced(search.trim(), 250);
  const input = { search: debounced || undefined, category: category === "all" ? undefined : category };
  const list = useQuery(trpc.templates.list.queryOptions(input, { placeholderData: keepPreviousData }));
  const previewId = searchParams.get("template");
  const [installId, setInstallId] = useState<string | null>(null);
  const filtered = input.search !== undefined || input.category !== undefined;

  function setPreview(id: string | null) {
    const params = new URLSearchParams(searchParams.toString());
    if (id) params.set("template", id);
    else params.delete("template");
    const query = params.toString();
    router.replace(query ? `${pathname}?${query}` : pathname, { scroll: false });
  }

  return (
    <>
      <PageHeader
        title="Templates"
        description="Integrations that already do a job: install one, pick your connections, fill in a few settings, and try it with a dry run. Nothing runs until you switch it on."
        actions={
          canEdit ? (
            <Button variant="secondary" onClick={() => setImporting(true)}>
              <UploadIcon className="size-4" />
              Import a template file
            </Button>
          ) : null
        }
      />
      <div className="mb-5 flex flex-wrap items-center gap-3">
        <div className="relative w-full max-w-xs">
          <SearchIcon className="pointer-events-none absolute top-1/2 left-2.5 size-4 -translate-y-1/2 text-slate-400" />
          <Input type="search" aria-label="Search templates" placeholder="Search templates" value={search} onChange={(event) => setSearch(event.target.value)} className="pl-8" />
        </div>
        <div role="tablist" aria-label="Categories" className="flex flex-wrap gap-1">
          {(["all", ...TEMPLATE_CATEGORY_ORDER] as const).map((value) => (
            <button
              key={value}
              type="button"
              role="tab"
              aria-selected={category === value}
              onClick={() => setCategory(value)}
              className={cn(
                "rounded-full px-3 py-1 text-sm transition-colors focus-visible:outline-2 focus-visible:outline-accent-500",
                category === value ? "bg-slate-900 text-white" : "text-slate-600 hover:bg-slate-100 hover:text-slate-900",
              )}
            >
              {value === "all" ? "All" : TEMPLATE_CATEGORY_LABELS[value]}
            </button>
          ))}
        </div>
      </div>

      {list.isPending ? (
        <div aria-busy="true" aria-label="Loading templates" className="grid gap-4 md:grid-cols-2 xl:grid-cols-3">
          {Array.from({ length: 6 }, (_, i) => (
            <Skeleton key={i} className="h-56 rounded-card" />
          ))}
        </div>
      ) : list.isError ? (
        <QueryErrorState title="Templates could not be loaded" query={list} />
      ) : list.data.items.length === 0 ? (
        filtered ? (
          <div role="status" className="rounded-card border border-dashed border-slate-300 bg-white/60 px-6 py-10 text-center">
            <p className="text-sm text-slate-700">
              No template matches
              {input.search ? ` “${input.search}”` : ""}
              {input.category ? ` in ${TEMPLATE_CATEGORY_LABELS[input.category]}` : ""}.
            </p>
            <Button
              variant="secondary"
              size="sm"
              className="mt-3"
              onClick={() => {
                setSearch("");
                setCategory("all");
              }}
            >
              Show all templates
            </Button>
          </div>
        ) : (
          <EmptyState
            icon={<TemplateIcon />}
            title="No templates yet"
            text="Templates your team saves appear here: open a flow and choose Save as template in its ⋯ menu."
          />
        )
      ) : (
        <ul className={cn("grid gap-4 md:grid-cols-2 xl:grid-cols-3", list.isPlaceholderData && "opacity-70")} aria-busy={list.isFetching}>
          {list.data.items.map((template) => (
            <li key={template.id} className="flex">
              <TemplateCard template={template} canInstall={canEdit} onPreview={() => setPreview(template.id)} onInstall={() => setInstallId(template.id)} />
            </li>
          ))}
        </ul>
      )}

      <PreviewDialog
        templateId={previewId}
        canInstall={canEdit}
        onClose={() => setPreview(null)}
        onInstall={(id) => {
          setPreview(null);
          setInstallId(id);
        }}
      />
      <InstallTemplateDialog templateId={installId} onClose={() => setInstallId(null)} />
      <ImportTemplateDialog open={importing} canShareWithInstall={canAdmin} onClose={() => setImporting(false)} onImported={(id) => setPreview(id)} />
    </>
  );
}

function StepChain({ kinds }: { kinds: readonly string[] }) {
  const chain = kindChain(kinds, labelOfKind);
  if (chain.length === 0) return null;
  return (
    <ol aria-label="Steps" className="flex flex-wrap items-center gap-1 text-xs text-slate-600">
      {chain.map((label, i) => (
        <li key={i} className="flex items-center gap-1">
          {i > 0 ? <span aria-hidden className="text-slate-400">→</span> : null}
          <span className="rounded bg-slate-100 px-1.5 py-0.5">{label}</span>
        </li>
      ))}
    </ol>
  );
}

function ConnectionsNeeded({ connections }: { connections: TemplateSummary["connections"] }) {
  if (connections.length === 0) return <p className="text-xs text-slate-500">Needs no connection</p>;
  return (
    <p className="text-xs text-slate-600">
      <span className="text-slate-500">Needs: </span>
      {connections.map((c, i) => (
        <span key={c.ref}>
          {i > 0 ? ", " : null}
          {c.name} <span className="text-slate-500">({connectionKindLabel(c.kind)})</span>
        </span>
      ))}
    </p>
  );
}

function TemplateCard({ template, canInstall, onPreview, onInstall }: { template: TemplateSummary; canInstall: boolean; onPreview: () => void; onInstall: () => void }) {
  return (
    <article aria-labelledby={`template-${template.id}`} className="flex w-full flex-col rounded-card border border-line bg-white p-4 shadow-card">
      <div className="flex items-center gap-2">
        <Badge tone="accent">{TEMPLATE_CATEGORY_LABELS[template.category]}</Badge>
        <span className="text-xs text-slate-500">{VISIBILITY_LABELS[template.visibility]}</span>
        <span className="ml-auto text-xs text-slate-500 tabular-nums">{usesText(template.uses)}</span>
      </div>
      <h2 id={`template-${template.id}`} className="mt-3 text-base font-semibold break-words text-slate-900">
        {template.title}
      </h2>
      <p className="mt-1 line-clamp-3 text-sm break-words text-slate-600">{template.description}</p>
      <div className="mt-3 space-y-2">
        <StepChain kinds={template.kinds} />
        <ConnectionsNeeded connections={template.connections} />
      </div>
      <div className="mt-auto flex items-center justify-end gap-2 pt-4">
        <Button variant="secondary" size="sm" onClick={onPreview} aria-label={`Preview ${template.title}`}>
          Preview
        </Button>
        {canInstall ? (
          <Button variant="primary" size="sm" onClick={onInstall} aria-label={`Install ${template.title}`}>
            Install
          </Button>
        ) : null}
      </div>
    </article>
  );
}

function openDocument(document: TemplateDetail["document"]): Flow | null {
  try {
    return parseFlow(document);
  } catch {
    return null;
  }
}

function PreviewDialog({ templateId, canInstall, onClose, onInstall }: { templateId: string | null; canInstall: boolean; onClose: () => void; onInstall: (id: string) => void }) {
  const trpc = useTRPC();
  const template = useQuery(trpc.templates.get.queryOptions({ templateId: templateId ?? "" }, { enabled: templateId !== null }));
  const flow = useMemo(() => (template.data ? openDocument(template.data.document) : null), [template.data]);
  const data = template.data;
  const exportFile = useExportTemplate();
  return (
    <Dialog open={templateId !== null} onClose={onClose} size="lg" title={data?.title ?? "Template"} description={data ? `${TEMPLATE_CATEGORY_LABELS[data.category]} · version ${data.version} · ${usesText(data.uses)}` : undefined}>
      {template.isPending ? (
        <Skeleton className="h-72" />
      ) : template.isError ? (
        <QueryErrorState title="The template could not be loaded" query={template} />
      ) : data ? (
        <div className="space-y-4">
          <p className="text-sm whitespace-pre-line break-words text-slate-700">{data.description}</p>
          <div className="relative h-72 overflow-hidden rounded-card border border-line bg-canvas">
            {flow ? (
              <TemplateCanvas flow={flow} label={`The steps of ${data.title}, read-only`} />
            ) : (
              <p className="grid h-full place-items-center px-6 text-center text-sm text-slate-500">This template's flow can't be drawn: it is not a flow document this Flowgate reads.</p>
            )}
          </div>
          <ConnectionsNeeded connections={data.connections} />
          {data.parameters.length > 0 ? (
            <p className="text-xs text-slate-600">
              <span className="text-slate-500">You fill in: </span>
              {data.parameters.map((p) => p.label).join(", ")}
            </p>
          ) : null}
          {data.tags.length > 0 ? (
            <ul aria-label="Tags" className="flex flex-wrap gap-1">
              {data.tags.map((tag) => (
                <li key={tag}>
                  <Badge>{tag}</Badge>
                </li>
              ))}
            </ul>
          ) : null}
          {!canInstall ? <Alert tone="warning">Only editors, admins and owners can install templates.</Alert> : null}
        </div>
      ) : null}
      <DialogFooter>
        <Button variant="secondary" onClick={onClose}>
          Close
        </Button>
        {data ? (
          <Button variant="secondary" loading={exportFile.exporting} onClick={() => void exportFile.run(data)}>
            <DownloadIcon className="size-4" />
            Export
          </Button>
        ) : null}
        {canInstall && data ? (
          <Button variant="primary" onClick={() => onInstall(data.id)}>
            Install
          </Button>
        ) : null}
      </DialogFooter>
    </Dialog>
  );
}

/** Downloads a template as its JSON file (connections as refs, never a secret), like a flow's Export. */
function useExportTemplate() {
  const client = useTRPCClient();
  const { toast } = useToast();
  const [exporting, setExporting] = useState(false);
  async function run(template: { id: string; title: string }) {
    if (exporting) return;
    setExporting(true);
    try {
      const { fileName, fileText } = await client.templates.export.query({ templateId: template.id });
      downloadText(fileName, fileText);
      toast({ tone: "success", title: `Exported “${template.title}”`, description: `Saved as ${fileName}. It holds no secrets: connections are listed by kind and name only.` });
    } catch (error) {
      toast({ tone: "error", title: `“${template.title}” was not exported`, description: errorMessage(error) });
    } finally {
      setExporting(false);
    }
  }
  return { run, exporting };
}
