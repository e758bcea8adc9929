"use client";

import { organizationClient } from "better-auth/client/plugins";
import { createAuthClient } from "better-auth/react";

// No baseURL: the auth routes live on this same origin under /api/auth.
export const authClient = createAuthClient({
  plugins: [organizationClient()],
});
