export {
  iterateProducts,
  productsCsvStream,
  productsJsonStream,
  productsNdjsonStream,
  type ProductCsvOptions,
  type ProductStreamOptions,
} from "./product-streams";
export { malformedCsv, merchantFeedXml, nonWellFormedXml, polishProductsCsv, truncatedJson, writeFixtureFiles } from "./fixtures";
