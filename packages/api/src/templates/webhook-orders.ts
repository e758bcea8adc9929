import { chainDocument, connection, parameter, type BuiltinTemplate } from "./define";

export const webhookOrders: BuiltinTemplate = {
  id: "builtin.webhook-orders",
  title: "New orders by webhook → fulfilment API, as they arrive",
  description:
    "Your shop sends each new order to this flow's web address the moment it is placed; the flow passes the order number, the customer's e-mail, " +
    "the ordered items and the total on to your fulfilment (warehouse or shipping) API, once per order.",
  category: "orders",
  tags: ["orders", "webhook", "fulfilment", "real time", "api"],
  version: 1,
  updatedAt: "2025-01-01T00:00:00.000Z",
  connections: [connection("fulfilment", "http", "Fulfilment API", "The API that ships your orders: its base address and key.")],
  parameters: [
    parameter({
      key: "ordersPath",
      label: "Orders address",
      description: "Where the fulfilment API takes new orders, relative to its base address.",
      type: "text",
      default: "/orders",
      targets: [{ nodeId: "fulfilment", path: ["url"] }],
    }),
  ],
  document: chainDocument([
    { id: "orders", kind: "trigger.webhook", label: "When an order arrives", config: { format: "json", requireSignature: false } },
    {
      id: "map",
      kind: "transform.map",
      label: "Order for the fulfilment API",
      config: {
        fields: [
          { target: "order_id", expression: "id", type: "string" },
          { target: "email", expression: "customer.email", type: "string" },
          { target: "lines", expression: "items" },
          { target: "total", expression: "total", type: "number" },
        ],
        keepUnmapped: false,
        keyField: "order_id",
      },
    },
    { id: "fulfilment", kind: "destination.http", label: "Fulfilment API", config: { connectionId: "fulfilment", method: "POST", url: "/orders", keyField: "order_id" } },
  ]),
};
