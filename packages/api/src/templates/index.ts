import { csvPriceList } from "./csv-price-list";
import type { BuiltinTemplate } from "./define";
import { merchantFeed } from "./merchant-feed";
import { shopToMarketplace } from "./shop-to-marketplace";
import { supplierStockPrices } from "./supplier-stock-prices";
import { tableToCsv } from "./table-to-csv";
import { webhookOrders } from "./webhook-orders";

export type { BuiltinTemplate, TemplateCategory } from "./define";

/** The templates every workspace sees, in the gallery's default order. */
export const BUILTIN_TEMPLATES: readonly BuiltinTemplate[] = [supplierStockPrices, csvPriceList, webhookOrders, shopToMarketplace, merchantFeed, tableToCsv];

export function builtinTemplate(id: string): BuiltinTemplate | undefined {
  return BUILTIN_TEMPLATES.find((template) => template.id === id);
}
