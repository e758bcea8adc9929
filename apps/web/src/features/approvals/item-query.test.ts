import { describe, expect, it } from "vitest";
import {
  DEFAULT_ITEM_QUERY,
  isFiltered,
  itemFilterOf,
  itemQueryString,
  itemSortOf,
  parseItemQuery,
  sameFilter,
  sortOptionValue,
  withSortOption,
  type ItemQuery,
} from "./item-query";

const parse = (search: string) => parseItemQuery(new URLSearchParams(search));

describe("item query ↔ address", () => {
  it("shows waiting changes in their order by default, with nothing in the address", () => {
    expect(parse("")).toEqual(DEFAULT_ITEM_QUERY);
    expect(itemQueryString(DEFAULT_ITEM_QUERY)).toBe("");
  });

  it("round-trips every filter and the sort", () => {
    const query: ItemQuery = {
      status: "any",
      op: "update",
      changedField: "price",
      text: "mug",
      numericField: "price",
      minPercent: 20,
      sort: "change",
      sortField: "price",
    };
    const search = itemQueryString(query);
    expect(search).toBe("status=any&op=update&field=price&q=mug&num=price&min=20&sort=change&by=price");
    expect(parse(search)).toEqual(query);
  });

  it("drops what it does not know", () => {
    expect(parse("status=maybe&op=upsert&sort=random&min=-5&q=%20%20")).toEqual(DEFAULT_ITEM_QUERY);
    expect(parse("min=abc").minPercent).toBeUndefined();
    expect(parse("by=price").sortField).toBeUndefined();
  });

  it("keeps a 0 % threshold", () => {
    expect(parse("num=price&min=0")).toMatchObject({ numericField: "price", minPercent: 0 });
  });
});

describe("itemFilterOf", () => {
  it("asks for waiting items by default and for every status with any", () => {
    expect(itemFilterOf(DEFAULT_ITEM_QUERY)).toEqual({ status: "pending" });
    expect(itemFilterOf({ ...DEFAULT_ITEM_QUERY, status: "any" })).toEqual({});
  });

  it("applies the numeric threshold only once both the field and the percent are set", () => {
    expect(itemFilterOf({ ...DEFAULT_ITEM_QUERY, numericField: "price" }).numeric).toBeUndefined();
    expect(itemFilterOf({ ...DEFAULT_ITEM_QUERY, minPercent: 20 }).numeric).toBeUndefined();
    expect(itemFilterOf({ ...DEFAULT_ITEM_QUERY, numericField: "price", minPercent: 20 }).numeric).toEqual({ field: "price", minPercent: 20 });
  });

  it("trims the search text", () => {
    expect(itemFilterOf({ ...DEFAULT_ITEM_QUERY, text: "  mug " }).text).toBe("mug");
  });
});

describe("sort", () => {
  it("orders by the biggest change of the chosen field, else of the threshold's field, else keeps the order", () => {
    expect(itemSortOf({ ...DEFAULT_ITEM_QUERY, sort: "change", sortField: "stock", numericField: "price" })).toEqual({ sort: "change", sortField: "stock" });
    expect(itemSortOf({ ...DEFAULT_ITEM_QUERY, sort: "change", numericField: "price" })).toEqual({ sort: "change", sortField: "price" });
    expect(itemSortOf({ ...DEFAULT_ITEM_QUERY, sort: "change" })).toEqual({ sort: "id" });
  });

  it("maps the select's values", () => {
    const byPrice = withSortOption(DEFAULT_ITEM_QUERY, "change:price");
    expect(byPrice).toEqual({ status: "pending", sort: "change", sortField: "price" });
    expect(sortOptionValue(byPrice)).toBe("change:price");
    expect(withSortOption(byPrice, "key")).toEqual({ status: "pending", sort: "key" });
  });
});

describe("isFiltered and sameFilter", () => {
  it("ignores the sort", () => {
    expect(isFiltered({ ...DEFAULT_ITEM_QUERY, sort: "key" })).toBe(false);
    expect(isFiltered({ ...DEFAULT_ITEM_QUERY, op: "create" })).toBe(true);
    expect(sameFilter(DEFAULT_ITEM_QUERY, { ...DEFAULT_ITEM_QUERY, sort: "key" })).toBe(true);
    expect(sameFilter(DEFAULT_ITEM_QUERY, { ...DEFAULT_ITEM_QUERY, text: "a" })).toBe(false);
  });
});
