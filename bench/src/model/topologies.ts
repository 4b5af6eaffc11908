import fc from "fast-check";
import { type ConfigSpec, type Destination, type Provider, STRATEGIES, type Strategy, type Topology } from "./types.ts";

/** Every source → destination pair a user can configure. */
export const SINGLE_PAIRS: readonly (readonly [Provider, Destination])[] = (["strava", "garmin", "polar", "oura"] as const).flatMap(
  (source) => (["strava", "garmin"] as const).filter((d) => d !== source).map((d) => [source, d] as const),
);

/** The shapes a user can build (SPEC §14), as the configs they create. */
export function topologyArbitrary(
  topologies: readonly Topology[],
  strategies: readonly Strategy[] = STRATEGIES,
  pairs: readonly (readonly [Provider, Destination])[] = SINGLE_PAIRS,
) {
  const strategy = fc.constantFrom(...strategies);
  const config = (key: string, source: Provider, destination: Destination) =>
    strategy.map((s): ConfigSpec => ({ key, source, destination, strategy: s }));
  const other = (d: Destination): Destination => (d === "strava" ? "garmin" : "strava");
  const shapes: Record<Topology, fc.Arbitrary<ConfigSpec[]>> = {
    // One source → one destination, any partner as the source.
    single: fc.constantFrom(...pairs).chain(([source, destination]) => fc.tuple(config("c0", source, destination))),
    // One source feeding both destinations (Polar → Strava + Polar → Garmin).
    fan_out: fc
      .constantFrom<Provider>("polar", "oura")
      .chain((source) => fc.tuple(config("c0", source, "strava"), config("c1", source, "garmin"))),
    // Strava ⇄ Garmin.
    two_way: fc.tuple(config("c0", "strava", "garmin"), config("c1", "garmin", "strava")),
    // Oura → Strava → Garmin and the like.
    chain: fc
      .record({ first: fc.constantFrom<Provider>("polar", "oura"), middle: fc.constantFrom<Destination>("strava", "garmin") })
      .chain(({ first, middle }) => fc.tuple(config("c0", first, middle), config("c1", middle, other(middle)))),
  };
  return fc.constantFrom(...topologies).chain((topology) => shapes[topology].map((configs) => ({ topology, configs })));
}

/** The partner accounts a scenario's configs use. */
export function accountsOf(configs: readonly ConfigSpec[]): Provider[] {
  return [...new Set(configs.flatMap((c) => [c.source, c.destination]))];
}

/** Configs in an order where each config's source is written before it is read (a cycle in any order). */
export function topologicalOrder(configs: readonly ConfigSpec[]): ConfigSpec[] {
  const feeds = (c: ConfigSpec) => configs.some((o) => o.destination === c.source && o.source !== c.destination);
  return [...configs].sort((a, b) => Number(feeds(a)) - Number(feeds(b)));
}
