import { chainDocument, connection, parameter, tableParameter, type BuiltinTemplate } from "./define";

export const csvPriceList: BuiltinTemplate = {
  id: "builtin.csv-price-list",
  title: "CSV price list from a web address → shop database, daily",
  description:
    "Every morning, downloads the price list your supplier publishes as a CSV file (as Excel saves it in Poland: windows-1250, “;” between values, " +
    "decimal commas such as 1 234,56) and writes each product's name, price and stock into your shop's database.",
  category: "files",
  tags: ["csv", "price list", "excel", "windows-1250", "daily", "postgresql"],
  version: 1,
  updatedAt: "2025-01-01T00:00:00.000Z",
  connections: [connection("shop", "postgres", "Shop database", "Your shop's PostgreSQL database, where the products table is.")],
  parameters: [
    parameter({
      key: "url",
      label: "Price list address",
      description: "The web address of the CSV file, e.g. https://supplier.example/prices.csv. Its columns: sku, name, price, stock.",
      type: "url",
      targets: [{ nodeId: "file", path: ["location", "url"] }],
    }),
    parameter({
      key: "encoding",
      label: "Encoding",
      description: "How the file's letters are saved. Excel in Poland saves windows-1250.",
      type: "select",
      default: "windows-1250",
      options: [
        { value: "windows-1250", label: "Windows-1250 (Excel, Central Europe)" },
        { value: "iso-8859-2", label: "ISO-8859-2 (Latin-2)" },
        { value: "utf-8", label: "UTF-8" },
      ],
      targets: [{ nodeId: "file", path: ["csv", "encoding"] }],
    }),
    tableParameter("shop"),
  ],
  document: chainDocument([
    { id: "schedule", kind: "trigger.schedule", label: "Every day at 6:00", config: { mode: "cron", cron: "0 6 * * *" } },
    {
      id: "file",
      kind: "source.file",
      label: "Supplier's price list",
      config: {
        location: { type: "url", url: "https://supplier.example/prices.csv" },
        format: "csv",
        csv: { delimiter: ";", header: true, quote: '"', encoding: "windows-1250" },
      },
    },
    {
      id: "map",
      kind: "transform.map",
      label: "Read numbers with decimal commas",
      config: {
        fields: [
          { target: "sku", expression: "sku", type: "string" },
          { target: "name", expression: "name", type: "string" },
          { target: "price", expression: "price", type: "number" },
          { target: "stock", expression: "stock", type: "integer" },
        ],
        keepUnmapped: false,
        keyField: "sku",
      },
    },
    { id: "shop", kind: "destination.postgres", label: "Shop products", config: { connectionId: "shop", table: "shop.products", keyColumns: ["sku"] } },
  ]),
};
