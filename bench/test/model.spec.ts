import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { FULL_SPACE, SAFE_SPACE } from "../src/model/generator.ts";
import { type ModelPlatform, startModelPlatform } from "../src/model/modelPlatform.ts";
import { type ModelRunResult, runScenarios } from "../src/model/runModel.ts";
import { summarise } from "../src/model/summary.ts";

/**
 * The short run of the generated-scenario test (issue 11). By default only the shapes that hold
 * today (SAFE_SPACE: one Strava → Garmin config, source_wins, overlaps far from the threshold,
 * uploads within the lookback, faults and crashes); `MODEL_FULL=1` draws from every topology,
 * strategy, overlap and late upload (FULL_SPACE), `MODEL_SCENARIOS=N` runs N per seed. The long
 * run is `npm run chaos -- --model --scenarios N`.
 */
const full = process.env.MODEL_FULL === "1";
const perSeed = Number(process.env.MODEL_SCENARIOS ?? (full ? 10 : 5));
const space = full ? FULL_SPACE : SAFE_SPACE;

function failures(result: ModelRunResult): string {
  return result.failed
    .map((f) =>
      [
        `seed ${f.scenario.seed} scenario ${f.scenario.index}:`,
        ...summarise(f.scenario),
        ...f.violations.map((v) => `✗ ${v.kind}: ${v.detail}`),
      ].join("\n  "),
    )
    .join("\n");
}

describe(`generated scenarios (${full ? "every shape" : "the shapes that hold today"}; npm run chaos -- --model is the long run)`, () => {
  let model: ModelPlatform;
  before(async () => {
    model = await startModelPlatform({ settleTimeoutMs: 30_000 });
  });
  after(async () => {
    await model?.stop();
  });

  it(`${perSeed} scenarios of a fixed seed: every eligible record once, nothing deleted or echoed, every job ends`, async () => {
    const result = await runScenarios(model.context, { seed: 20261129, scenarios: perSeed, concurrency: 4, space });
    assert.equal(result.scenarios, perSeed);
    assert.equal(result.failed.length, 0, failures(result));
  });

  it("scenarios of a random seed (printed, to replay a failure)", async () => {
    const seed = Math.floor(Math.random() * 2 ** 31);
    process.stdout.write(
      `# model: random seed ${seed} (replay: npm run chaos -- --model --space ${full ? "full" : "safe"} --seed ${seed} --scenario I)\n`,
    );
    const result = await runScenarios(model.context, { seed, scenarios: Math.max(2, Math.round(perSeed / 2)), concurrency: 4, space });
    assert.equal(result.failed.length, 0, failures(result));
  });
});
