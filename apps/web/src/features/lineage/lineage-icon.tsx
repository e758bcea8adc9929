import { Icon, type IconProps } from "@/components/icons";

/** A record's path: three stops joined by a line. */
export const LineageIcon = (p: IconProps) => (
  <Icon {...p}>
    <circle cx="6" cy="5" r="2" />
    <circle cx="18" cy="12" r="2" />
    <circle cx="6" cy="19" r="2" />
    <path d="M8 5h3a3 3 0 0 1 3 3v1a3 3 0 0 0 3 3M16 12h0M17 13a3 3 0 0 0-3 3v0a3 3 0 0 1-3 3H8" />
  </Icon>
);
