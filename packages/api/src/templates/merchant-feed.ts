import { chainDocument, connection, parameter, type BuiltinTemplate } from "./define";

export const merchantFeed: BuiltinTemplate = {
  id: "builtin.merchant-feed",
  title: "XML product feed (Google Merchant) → JSON API, hourly",
  description:
    "Every hour, downloads a product feed in the Google Merchant XML format (the g:id, g:price, g:availability fields) " +
    "and sends each product, as JSON with its sku, title, price and availability, to an API.",
  category: "files",
  tags: ["xml", "google merchant", "feed", "api", "json", "hourly"],
  version: 1,
  updatedAt: "2025-01-01T00:00:00.000Z",
  connections: [connection("api", "http", "Product API", "The API that receives the products: its base address and key.")],
  parameters: [
    parameter({
      key: "feedUrl",
      label: "Feed address",
      description: "The web address of the XML feed, e.g. https://shop.example/feed.xml.",
      type: "url",
      targets: [{ nodeId: "feed", path: ["location", "url"] }],
    }),
    parameter({
      key: "productUrl",
      label: "Product address",
      description: "Where a product goes in the API; {sku} is replaced by the product's id from the feed.",
      type: "text",
      default: "/products/{sku}",
      targets: [{ nodeId: "api", path: ["url"] }],
    }),
  ],
  document: chainDocument([
    { id: "schedule", kind: "trigger.schedule", label: "Every hour", config: { mode: "interval", every: 1, unit: "hours" } },
    {
      id: "feed",
      kind: "source.file",
      label: "Product feed",
      config: { location: { type: "url", url: "https://shop.example/feed.xml" }, format: "xml", recordsPath: "rss.channel.item" },
    },
    {
      id: "map",
      kind: "transform.map",
      label: "Feed item → product",
      config: {
        fields: [
          { target: "sku", expression: "`g:id`", type: "string" },
          { target: "title", expression: "title", type: "string" },
          // “12.50 PLN”, or { "#text": "149.00 PLN", "@currency": "PLN" } when the price element has attributes.
          { target: "price", expression: '$number($substringBefore($type(`g:price`) = "object" ? `g:price`.`#text` : `g:price`, " "))', type: "number" },
          { target: "available", expression: '`g:availability` = "in stock"', type: "boolean" },
        ],
        keepUnmapped: false,
        keyField: "sku",
      },
    },
    { id: "api", kind: "destination.http", label: "Product API", config: { connectionId: "api", method: "PUT", url: "/products/{sku}", keyField: "sku" } },
  ]),
};
