import { XMLBuilder, XMLParser } from "fast-xml-parser";
import { z } from "zod";
import { type ActivityType, ActivityTypeSchema, type Sample } from "./contracts/activity.ts";

/**
 * The activity file exchanged with partners (uploads and downloads): GPX 1.1 with Garmin's
 * TrackPointExtension for heart rate, and a small `sw:` metadata extension for what GPX has
 * no element for (end time, the writer's external id).
 */
export interface ActivityFile {
  name: string;
  type: ActivityType;
  startTime: string;
  endTime: string;
  externalId?: string | undefined;
  samples: Sample[];
}

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: "@", format: false, suppressEmptyNode: true });
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@",
  parseTagValue: false,
  isArray: (name) => name === "trkpt" || name === "trkseg" || name === "trk",
});

export function toGpx(file: ActivityFile): string {
  const startMs = Date.parse(file.startTime);
  const trkpt = file.samples.map((s) => ({
    ...(s.lat !== undefined && s.lon !== undefined ? { "@lat": s.lat, "@lon": s.lon } : {}),
    time: new Date(startMs + s.offsetSeconds * 1000).toISOString(),
    ...(s.heartRate !== undefined ? { extensions: { "gpxtpx:TrackPointExtension": { "gpxtpx:hr": s.heartRate } } } : {}),
  }));
  const doc = {
    "?xml": { "@version": "1.0", "@encoding": "UTF-8" },
    gpx: {
      "@version": "1.1",
      "@creator": "SyncWell",
      "@xmlns": "http://www.topografix.com/GPX/1/1",
      "@xmlns:gpxtpx": "http://www.garmin.com/xmlschemas/TrackPointExtension/v1",
      "@xmlns:sw": "https://syncwell.example/gpx/1",
      metadata: {
        name: file.name,
        time: new Date(startMs).toISOString(),
        extensions: {
          "sw:endTime": new Date(file.endTime).toISOString(),
          ...(file.externalId ? { "sw:externalId": file.externalId } : {}),
        },
      },
      trk: { name: file.name, type: file.type, trkseg: { trkpt } },
    },
  };
  return builder.build(doc) as string;
}

const GpxSchema = z.object({
  gpx: z.object({
    metadata: z.object({
      name: z.string().optional(),
      time: z.iso.datetime(),
      extensions: z.object({ "sw:endTime": z.iso.datetime(), "sw:externalId": z.string().optional() }).optional(),
    }),
    trk: z
      .array(
        z.object({
          name: z.string().optional(),
          type: ActivityTypeSchema.optional(),
          trkseg: z
            .array(
              z.preprocess(
                (v) => (v === "" ? {} : v),
                z.object({
                  trkpt: z
                    .array(
                      z.object({
                        "@lat": z.coerce.number().min(-90).max(90).optional(),
                        "@lon": z.coerce.number().min(-180).max(180).optional(),
                        time: z.iso.datetime(),
                        extensions: z
                          .object({ "gpxtpx:TrackPointExtension": z.object({ "gpxtpx:hr": z.coerce.number().int() }) })
                          .optional(),
                      }),
                    )
                    .optional(),
                }),
              ),
            )
            .optional(),
        }),
      )
      .min(1),
  }),
});

/** Parses a GPX document; throws a message fit for a partner's 400 answer when it is not one. */
export function fromGpx(xml: string): ActivityFile {
  let raw: unknown;
  try {
    raw = parser.parse(xml, true);
  } catch (error) {
    throw new Error(`not a GPX file: ${(error as Error).message}`);
  }
  const result = GpxSchema.safeParse(raw);
  if (!result.success) throw new Error(`not a GPX file: ${result.error.issues[0]?.path.join(".")} ${result.error.issues[0]?.message}`);
  const { metadata, trk } = result.data.gpx;
  const track = trk[0];
  const points = (track?.trkseg ?? []).flatMap((seg) => seg.trkpt ?? []);
  const startMs = Date.parse(metadata.time);
  const samples: Sample[] = points.map((p) => ({
    offsetSeconds: Math.max(0, Math.round((Date.parse(p.time) - startMs) / 1000)),
    ...(p.extensions ? { heartRate: p.extensions["gpxtpx:TrackPointExtension"]["gpxtpx:hr"] } : {}),
    ...(p["@lat"] !== undefined && p["@lon"] !== undefined ? { lat: p["@lat"], lon: p["@lon"] } : {}),
  }));
  const lastPoint = points.at(-1);
  const endTime = metadata.extensions?.["sw:endTime"] ?? lastPoint?.time ?? metadata.time;
  return {
    name: metadata.name ?? track?.name ?? "Activity",
    type: track?.type ?? "other",
    startTime: new Date(startMs).toISOString(),
    endTime: new Date(endTime).toISOString(),
    externalId: metadata.extensions?.["sw:externalId"],
    samples,
  };
}
