import { Icon, type IconProps } from "@/components/icons";

export const KeyIcon = (p: IconProps) => (
  <Icon {...p}>
    <circle cx="8" cy="15" r="4" />
    <path d="m10.8 12.2 8.7-8.7" />
    <path d="m17 6 2.5 2.5" />
    <path d="m14.5 8.5 2 2" />
  </Icon>
);
