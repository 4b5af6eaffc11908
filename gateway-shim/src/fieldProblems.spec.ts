import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { HttpProblem, SyncFiltersSchema } from "@syncwell/core";
import { z } from "zod";
import { parseBody } from "./fieldProblems.ts";

const Body = z.object({ name: z.string().max(5), filters: SyncFiltersSchema.optional() }).strict();

function problemOf(input: unknown): HttpProblem {
  try {
    parseBody(Body, input, ["filters"]);
  } catch (error) {
    assert.ok(error instanceof HttpProblem);
    return error;
  }
  assert.fail("parsed");
}

describe("parseBody", () => {
  it("names the field a client wrote: an array element by index, an unknown key by its name", () => {
    for (const [input, field] of [
      [{ name: "a", filters: { activityTypes: ["run", "yoga"] } }, "filters.activityTypes[1]"],
      [{ name: "a", filters: { colour: "red" } }, "filters.colour"],
      [{ name: "a", filters: { excludeNameContains: ["ok", ""] } }, "filters.excludeNameContains[1]"],
      [{ name: "a", filters: { minDurationSeconds: -1 } }, "filters.minDurationSeconds"],
      [{ name: "a", filters: "run" }, "filters"],
    ] as const) {
      const problem = problemOf(input);
      assert.equal(problem.status, 422, field);
      assert.equal(problem.extensions.field, field);
      assert.ok(problem.detail.startsWith(`${field}: `), problem.detail);
    }
  });

  it("answers 400 for a body that is malformed outside the semantic fields", () => {
    assert.equal(problemOf({ name: 7 }).status, 400);
    assert.equal(problemOf({ name: "a", colour: 1 }).extensions.field, "colour");
    assert.equal(problemOf({ name: "a", colour: 1 }).status, 400);
    assert.equal(problemOf(undefined).detail.startsWith("request body: "), true);
  });

  it("answers the parsed body when it is valid", () => {
    assert.deepEqual(parseBody(Body, { name: "a", filters: { activityTypes: ["run"] } }, ["filters"]), {
      name: "a",
      filters: { activityTypes: ["run"] },
    });
  });
});
