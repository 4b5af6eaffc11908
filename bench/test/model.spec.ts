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

  it(`${perSeed} scenarios of a fixed seed and ${Math.ceil(perSeed / 2)} of a random one (printed): every eligible record once, nothing deleted or echoed, every job ends`, async () => {
    const random = Math.floor(Math.random() * 2 ** 31);
    process.stdout.write(
      `# model: random seed ${random} (replay: npm run chaos -- --model --space ${full ? "full" : "safe"} --seed ${random} --scenario I)\n`,
    );
    // Both seeds at once: one platform, scenarios of fresh users side by side.
    const [fixed, drawn] = await Promise.all([
      runScenarios(model.context, { seed: 20261129, scenarios: perSeed, concurrency: perSeed, space }),
      runScenarios(model.context, { seed: random, scenarios: Math.ceil(perSeed / 2), concurrency: perSeed, space }),
    ]);
    assert.equal(fixed.scenarios + drawn.scenarios, perSeed + Math.ceil(perSeed / 2));
    assert.equal(fixed.failed.length + drawn.failed.length, 0, failures(fixed) + failures(drawn));
  });
});
