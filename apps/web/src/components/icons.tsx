import type { ReactNode, SVGProps } from "react";

/** A few outline icons (24px grid, currentColor), drawn inline: the app loads no remote assets. */
export type IconProps = SVGProps<SVGSVGElement>;

export function Icon({ children, ...props }: IconProps) {
  return (
    <svg
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={1.75}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden
      width={20}
      height={20}
      {...props}
    >
      {children}
    </svg>
  );
}

export const FlowIcon = (p: IconProps) => (
  <Icon {...p}>
    <rect x="3" y="3" width="6" height="6" rx="1.5" />
    <rect x="15" y="15" width="6" height="6" rx="1.5" />
    <path d="M9 6h4a3 3 0 0 1 3 3v6" />
  </Icon>
);
export const RunsIcon = (p: IconProps) => (
  <Icon {...p}>
    <path d="M3 12h4l3 7 4-14 3 7h4" />
  </Icon>
);
export const ApprovalIcon = (p: IconProps) => (
  <Icon {...p}>
    <path d="M9 12l2 2 4-4" />
    <path d="M12 3l7 3v5c0 4.5-3 8.5-7 10-4-1.5-7-5.5-7-10V6l7-3z" />
  </Icon>
);
export const TemplateIcon = (p: IconProps) => (
  <Icon {...p}>
    <rect x="3" y="3" width="7" height="7" rx="1.5" />
    <rect x="14" y="3" width="7" height="7" rx="1.5" />
    <rect x="3" y="14" width="7" height="7" rx="1.5" />
    <path d="M17.5 14v7M14 17.5h7" />
  </Icon>
);
export const ConnectionIcon = (p: IconProps) => (
  <Icon {...p}>
    <path d="M9 15l6-6" />
    <path d="M11 6l1.5-1.5a4.24 4.24 0 0 1 6 6L17 12" />
    <path d="M13 18l-1.5 1.5a4.24 4.24 0 0 1-6-6L7 12" />
  </Icon>
);
export const SettingsIcon = (p: IconProps) => (
  <Icon {...p}>
    <path d="M4 6h9M17 6h3M4 12h3M11 12h9M4 18h11M19 18h1" />
    <circle cx="15" cy="6" r="2" />
    <circle cx="9" cy="12" r="2" />
    <circle cx="17" cy="18" r="2" />
  </Icon>
);
export const PlusIcon = (p: IconProps) => (
  <Icon {...p}>
    <path d="M12 5v14M5 12h14" />
  </Icon>
);
export const PencilIcon = (p: IconProps) => (
  <Icon {...p}>
    <path d="M4 20h4L18.5 9.5a2.83 2.83 0 0 0-4-4L4 16v4z" />
    <path d="M13.5 6.5l4 4" />
  </Icon>
);
export const TrashIcon = (p: IconProps) => (
  <Icon {...p}>
    <path d="M4 7h16M10 11v6M14 11v6" />
    <path d="M5 7l1 12a2 2 0 0 0 2 2h8a2 2 0 0 0 2-2l1-12M9 7V4h6v3" />
  </Icon>
);
export const CopyIcon = (p: IconProps) => (
  <Icon {...p}>
    <rect x="8" y="8" width="12" height="12" rx="2" />
    <path d="M16 8V6a2 2 0 0 0-2-2H6a2 2 0 0 0-2 2v8a2 2 0 0 0 2 2h2" />
  </Icon>
);
export const ChevronDownIcon = (p: IconProps) => (
  <Icon {...p}>
    <path d="M6 9l6 6 6-6" />
  </Icon>
);
export const ChevronLeftIcon = (p: IconProps) => (
  <Icon {...p}>
    <path d="M15 6l-6 6 6 6" />
  </Icon>
);
export const AlertIcon = (p: IconProps) => (
  <Icon {...p}>
    <path d="M12 9v4M12 17h.01" />
    <path d="M10.3 3.9L2.4 17.5A2 2 0 0 0 4.1 20.5h15.8a2 2 0 0 0 1.7-3L13.7 3.9a2 2 0 0 0-3.4 0z" />
  </Icon>
);
export const CanvasIcon = (p: IconProps) => (
  <Icon {...p}>
    <rect x="3" y="4" width="18" height="16" rx="2" />
    <circle cx="8" cy="10" r="1.5" />
    <circle cx="16" cy="14" r="1.5" />
    <path d="M9.5 10h2a2 2 0 0 1 2 2v0a2 2 0 0 0 2 2" />
  </Icon>
);
export const UsersIcon = (p: IconProps) => (
  <Icon {...p}>
    <circle cx="9" cy="8" r="3.5" />
    <path d="M2.5 20a6.5 6.5 0 0 1 13 0M16 4.5a3.5 3.5 0 0 1 0 7M18 14.5a6.5 6.5 0 0 1 3.5 5.5" />
  </Icon>
);
export const LinkIcon = ConnectionIcon;
export const CheckCircleIcon = (p: IconProps) => (
  <Icon {...p}>
    <circle cx="12" cy="12" r="9" />
    <path d="M8.5 12.5l2.5 2.5 4.5-5" />
  </Icon>
);
export const CheckIcon = (p: IconProps) => (
  <Icon {...p}>
    <path d="M5 12.5l4.5 4.5L19 7.5" />
  </Icon>
);
export const CrossIcon = (p: IconProps) => (
  <Icon {...p}>
    <path d="M6.5 6.5l11 11M17.5 6.5l-11 11" />
  </Icon>
);
export const SearchIcon = (p: IconProps) => (
  <Icon {...p}>
    <circle cx="11" cy="11" r="6.5" />
    <path d="M20 20l-4.2-4.2" />
  </Icon>
);
export const SignOutIcon = (p: IconProps) => (
  <Icon {...p}>
    <path d="M15 4h3a2 2 0 0 1 2 2v12a2 2 0 0 1-2 2h-3M10 17l5-5-5-5M15 12H4" />
  </Icon>
);

/* Node kinds: a kind names its icon (definition.icon); KindIcon draws it. */
const kindGlyphs: Record<string, ReactNode> = {
  play: <path d="M7 4.5v15l12-7.5z" />,
  clock: (
    <>
      <circle cx="12" cy="12" r="8.5" />
      <path d="M12 7.5V12l3 2" />
    </>
  ),
  webhook: (
    <>
      <path d="M9.5 8.5a3.5 3.5 0 1 1 5.6 2.8L18 16" />
      <path d="M6.2 14.6A3.5 3.5 0 1 0 10 18h7" />
      <path d="M15 8.3 11.6 14" />
      <circle cx="18" cy="18" r="1.6" />
    </>
  ),
  globe: (
    <>
      <circle cx="12" cy="12" r="8.5" />
      <path d="M3.5 12h17M12 3.5c2.5 2.6 3.5 5.4 3.5 8.5s-1 5.9-3.5 8.5c-2.5-2.6-3.5-5.4-3.5-8.5s1-5.9 3.5-8.5z" />
    </>
  ),
  file: (
    <>
      <path d="M14 3H7a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2V8l-5-5z" />
      <path d="M14 3v5h5M9 13h6M9 17h6" />
    </>
  ),
  "file-down": (
    <>
      <path d="M14 3H7a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2V8l-5-5z" />
      <path d="M14 3v5h5M12 11v6M9.5 14.5 12 17l2.5-2.5" />
    </>
  ),
  database: (
    <>
      <ellipse cx="12" cy="6" rx="7" ry="2.75" />
      <path d="M5 6v12c0 1.5 3.1 2.75 7 2.75S19 19.5 19 18V6M5 12c0 1.5 3.1 2.75 7 2.75S19 13.5 19 12" />
    </>
  ),
  shuffle: <path d="M4 7h3.5c4 0 5 10 9 10H20M4 17h3.5c1.6 0 2.7-1.6 3.6-3.6M13 10.6C13.9 8.6 15 7 16.5 7H20M17.5 4.5 20 7l-2.5 2.5M17.5 14.5 20 17l-2.5 2.5" />,
  "git-compare": (
    <>
      <circle cx="6" cy="6" r="2.25" />
      <circle cx="18" cy="18" r="2.25" />
      <path d="M6 8.25V15a3 3 0 0 0 3 3h3.5M18 15.75V9a3 3 0 0 0-3-3h-3.5M14 16l-1.5 2 1.5 2M10 4l1.5 2L10 8" />
    </>
  ),
  filter: <path d="M4 5h16l-6.2 7.4V18l-3.6 1.8v-7.4z" />,
  split: <path d="M4 12h5l4-5.5h7M9 12l4 5.5h7M17.5 4l2.5 2.5L17.5 9M17.5 15l2.5 2.5-2.5 2.5" />,
  send: (
    <>
      <path d="M20.5 3.5 10 14" />
      <path d="M20.5 3.5 14 20.5l-4-6.5-6.5-4z" />
    </>
  ),
  approval: (
    <>
      <path d="M9 12l2 2 4-4" />
      <path d="M12 3l7 3v5c0 4.5-3 8.5-7 10-4-1.5-7-5.5-7-10V6l7-3z" />
    </>
  ),
};

/** The glyph of a node kind's `icon` name; a plain box for a name it does not know. */
export function KindIcon({ name, ...props }: IconProps & { name: string }) {
  return <Icon {...props}>{kindGlyphs[name] ?? <rect x="4.5" y="4.5" width="15" height="15" rx="2.5" />}</Icon>;
}

/* Canvas tools. */
export const KeyboardIcon = (p: IconProps) => (
  <Icon {...p}>
    <rect x="2.5" y="6" width="19" height="12" rx="2" />
    <path d="M6 10h.01M9.5 10h.01M13 10h.01M16.5 10h.01M7 14h10" />
  </Icon>
);
export const AutoLayoutIcon = (p: IconProps) => (
  <Icon {...p}>
    <rect x="3" y="9" width="5" height="6" rx="1" />
    <rect x="16" y="4" width="5" height="6" rx="1" />
    <rect x="16" y="14" width="5" height="6" rx="1" />
    <path d="M8 12h3.5M11.5 7v10M11.5 7H16M11.5 17H16" />
  </Icon>
);
export const AlignLeftIcon = (p: IconProps) => (
  <Icon {...p}>
    <path d="M4 3v18" />
    <rect x="7" y="6" width="12" height="4" rx="1" />
    <rect x="7" y="14" width="7" height="4" rx="1" />
  </Icon>
);
export const AlignCenterIcon = (p: IconProps) => (
  <Icon {...p}>
    <path d="M12 3v18" />
    <rect x="5" y="6" width="14" height="4" rx="1" />
    <rect x="8" y="14" width="8" height="4" rx="1" />
  </Icon>
);
export const AlignTopIcon = (p: IconProps) => (
  <Icon {...p}>
    <path d="M3 4h18" />
    <rect x="6" y="7" width="4" height="12" rx="1" />
    <rect x="14" y="7" width="4" height="7" rx="1" />
  </Icon>
);
export const AlignMiddleIcon = (p: IconProps) => (
  <Icon {...p}>
    <path d="M3 12h18" />
    <rect x="6" y="5" width="4" height="14" rx="1" />
    <rect x="14" y="8" width="4" height="8" rx="1" />
  </Icon>
);
export const DistributeHorizontalIcon = (p: IconProps) => (
  <Icon {...p}>
    <path d="M4 3v18M20 3v18" />
    <rect x="9.5" y="7" width="5" height="10" rx="1" />
  </Icon>
);
export const DistributeVerticalIcon = (p: IconProps) => (
  <Icon {...p}>
    <path d="M3 4h18M3 20h18" />
    <rect x="7" y="9.5" width="10" height="5" rx="1" />
  </Icon>
);

export function LogoMark({ className }: { className?: string }) {
  return (
    <svg viewBox="0 0 32 32" aria-hidden className={className} width={28} height={28}>
      <rect width="32" height="32" rx="8" className="fill-accent-600" />
      <path d="M9 11h6a3 3 0 0 1 3 3v4a3 3 0 0 0 3 3h2" stroke="white" strokeWidth="2.25" fill="none" strokeLinecap="round" />
      <circle cx="9" cy="11" r="2.25" fill="white" />
      <circle cx="23" cy="21" r="2.25" fill="white" />
    </svg>
  );
}
