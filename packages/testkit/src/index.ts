export type { FakeAuth } from "./auth";
export type { Fault, FaultScope } from "./faults";
export { Catalogue, generateProducts, PRODUCTS_EPOCH, skuFor, type Product } from "./products";
export { RequestLog, type LoggedRequest } from "./request-log";
export { startShopApi, type ShopApi, type ShopApiOptions, type ShopFailure, type ShopProduct, type ShopWrite } from "./shop-api";
export { startSupplierApi, type SupplierApi, type SupplierApiOptions } from "./supplier-api";
export * from "./files/index";
export * from "./shop-db";
