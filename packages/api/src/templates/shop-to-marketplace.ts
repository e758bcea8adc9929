import { chainDocument, connection, parameter, tableParameter, type BuiltinTemplate } from "./define";

export const shopToMarketplace: BuiltinTemplate = {
  id: "builtin.shop-to-marketplace",
  title: "Shop database → marketplace API: changed products every 15 minutes",
  description:
    "The other direction: every 15 minutes, reads the products that changed in your shop's database since the last run " +
    "and sends their title, price and quantity to a marketplace's API, one product at a time.",
  category: "products",
  tags: ["marketplace", "products", "postgresql", "api", "changes"],
  version: 1,
  updatedAt: "2025-01-01T00:00:00.000Z",
  connections: [
    connection("shop", "postgres", "Shop database", "Your shop's PostgreSQL database, where the products table is."),
    connection("marketplace", "http", "Marketplace API", "The marketplace's API: its base address and your seller key."),
  ],
  parameters: [
    tableParameter("shop"),
    parameter({
      key: "productUrl",
      label: "Product address",
      description: "Where a product goes in the marketplace's API; {sku} is replaced by the product's sku.",
      type: "text",
      default: "/products/{sku}",
      targets: [{ nodeId: "marketplace", path: ["url"] }],
    }),
  ],
  document: chainDocument([
    { id: "schedule", kind: "trigger.schedule", label: "Every 15 minutes", config: { mode: "interval", every: 15, unit: "minutes" } },
    {
      id: "shop",
      kind: "source.postgres",
      label: "Changed shop products",
      config: { connectionId: "shop", table: "shop.products", cursorColumn: "updated_at", keyColumns: ["sku"] },
    },
    {
      id: "map",
      kind: "transform.map",
      label: "Marketplace listing",
      config: {
        fields: [
          { target: "sku", expression: "sku", type: "string" },
          { target: "title", expression: "name", type: "string" },
          { target: "price", expression: "price", type: "number" },
          { target: "quantity", expression: "stock", type: "integer" },
        ],
        keepUnmapped: false,
        keyField: "sku",
      },
    },
    { id: "marketplace", kind: "destination.http", label: "Marketplace API", config: { connectionId: "marketplace", method: "PUT", url: "/products/{sku}", keyField: "sku" } },
  ]),
};
