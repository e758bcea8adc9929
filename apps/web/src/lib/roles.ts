export const ROLES = ["owner", "admin", "editor", "viewer"] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, string> = {
  owner: "Owner",
  admin: "Admin",
  editor: "Editor",
  viewer: "Viewer",
};

export const ROLE_DESCRIPTIONS: Record<Role, string> = {
  owner: "Everything, including the workspace itself",
  admin: "Manage members, connections and flows",
  editor: "Build, publish and switch flows on or off",
  viewer: "See everything, change nothing",
};

export function canEdit(role: string | undefined): boolean {
  return role === "owner" || role === "admin" || role === "editor";
}

export function canAdmin(role: string | undefined): boolean {
  return role === "owner" || role === "admin";
}
