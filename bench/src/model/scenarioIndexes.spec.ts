import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { scenarioIndexes } from "./main.ts";

describe("--scenario", () => {
  it("takes indexes and ranges with both ends", () => {
    assert.deepEqual(scenarioIndexes("3"), [3]);
    assert.deepEqual(scenarioIndexes("448,679-681,7"), [448, 679, 680, 681, 7]);
  });

  it("refuses what is no index or range", () => {
    for (const bad of ["3,", "a", "5-3", "1-2-3", "-4"]) assert.ok(scenarioIndexes(bad).some(Number.isNaN), bad);
  });
});
