import { chainDocument, connection, parameter, tableParameter, type BuiltinTemplate } from "./define";

export const supplierStockPrices: BuiltinTemplate = {
  id: "builtin.supplier-stock-prices",
  title: "Supplier API → shop database: hourly stock and prices, big price changes approved first",
  description:
    "Every hour, reads your supplier's product list from their API and brings the stock and prices in your shop's database up to date. " +
    "Only products that changed are written. A price that moves by more than 10 % (you choose the limit) waits for an admin to approve it; " +
    "everything else goes straight through.",
  category: "products",
  tags: ["supplier", "stock", "prices", "approval", "hourly", "api", "postgresql"],
  version: 1,
  updatedAt: "2025-01-01T00:00:00.000Z",
  connections: [
    connection("supplier", "http", "Supplier API", "Your supplier's product API: its base address and the key or login they gave you."),
    connection("shop", "postgres", "Shop database", "Your shop's PostgreSQL database, where the products table is."),
  ],
  parameters: [
    parameter({
      key: "productsPath",
      label: "Products address",
      description: "Where the supplier's API lists products, relative to its base address.",
      type: "text",
      default: "/products",
      targets: [{ nodeId: "supplier", path: ["url"] }],
    }),
    parameter({
      key: "maxPriceChange",
      label: "Approve price changes above (%)",
      description: "A price that moves by more than this percentage waits for an admin's approval.",
      type: "number",
      default: 10,
      targets: [
        {
          nodeId: "review",
          path: ["autoApprove"],
          text: 'op = "create" or (op = "update" and $abs(after.price - before.price) <= before.price * {{value}} / 100)',
        },
      ],
    }),
    tableParameter("shop"),
  ],
  document: chainDocument(
    [
      { id: "schedule", kind: "trigger.schedule", label: "Every hour", config: { mode: "interval", every: 1, unit: "hours" } },
      {
        id: "supplier",
        kind: "source.http",
        label: "Supplier's products",
        config: { connectionId: "supplier", url: "/products", recordsPath: "data", pagination: { mode: "page", pageSize: 100 } },
      },
      { id: "changes", kind: "transform.changes", label: "Only changed stock and prices", config: { keyFields: ["sku"], compare: ["price", "stock"] } },
      {
        id: "review",
        kind: "approval.review",
        label: "Big price changes need approval",
        config: {
          approverRole: "admin",
          keyField: "sku",
          autoApprove: 'op = "create" or (op = "update" and $abs(after.price - before.price) <= before.price * 10 / 100)',
        },
      },
      { id: "shop", kind: "destination.postgres", label: "Shop products", config: { connectionId: "shop", table: "shop.products", keyColumns: ["sku"] } },
    ],
    { ports: { review: "approved" } },
  ),
};
