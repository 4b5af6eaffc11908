import { randomUUID } from "node:crypto";
import { BODY_SAME_MOMENT_SECONDS, BodySchema } from "@syncwell/core";
import type express from "express";
import type { Response } from "express";
import type { PartnerStore, RecordData, RecordKind, StoredActivity } from "../store.ts";
import { userOf } from "./common.ts";
import { readFitWeighIns } from "./fitWeight.ts";
import { clashOf, SleepWriteSchema, stagesOf } from "./garminWellness.ts";
import type { PartnerContext, PartnerModule } from "./types.ts";

/**
 * Garmin's writes of sleeps and weigh-ins (SPEC §18). Garmin's Health API only reads them: a
 * weigh-in is written the way scales and tools do, as a FIT weight file to the upload-service (which
 * hands it to {@link uploadWeighIn}); a sleep goes to `/sleep-service/sleep`, SyncWell's assumption.
 * Both answer in the upload-service's `detailedImportResult` shape.
 */
export function garminRecordWrites(
  ctx: PartnerContext,
  module: () => PartnerModule,
  router: express.Router,
  auth: express.RequestHandler,
): { uploadWeighIn(file: Express.Multer.File, res: Response): Promise<void> } {
  type RecordWrite = { startTime: Date; endTime: Date; utcOffsetSeconds: number; name: string; data: RecordData };
  /**
   * Stores a sleep or a weigh-in unless the user holds the same one by its kind's rule (a duplicate)
   * or one it conflicts with (an overlap); serialised per user, as activity uploads are.
   */
  const writeRecord = (owner: string, kind: "sleep" | "body", w: RecordWrite) =>
    ctx.store.withUserLock("garmin", owner, async (store: PartnerStore) => {
      const margin = (BODY_SAME_MOMENT_SECONDS + 1) * 1000;
      const near = await store.overlapping(
        "garmin",
        owner,
        new Date(w.startTime.getTime() - margin),
        new Date(w.endTime.getTime() + margin),
        kind,
      );
      const clash = clashOf(kind, w, near);
      if (clash) return clash;
      const [stored] = await store.insertActivities([
        {
          provider: "garmin",
          partnerUserId: owner,
          nativeId: await store.nextNumericId(),
          externalId: null,
          type: "other",
          samples: [],
          updatedAt: ctx.now(),
          visibleAt: ctx.now(),
          kind,
          ...w,
        },
      ]);
      return { stored: stored as StoredActivity };
    });

  /** Answers a record write the upload-service's way: 201 with the new id, or 409 naming the record it clashes with. */
  const answerImport = (
    res: Response,
    owner: string,
    file: { size: number; originalname: string } | undefined,
    what: string,
    result: Awaited<ReturnType<typeof writeRecord>>,
  ) => {
    const base = {
      uploadId: Date.now(),
      uploadUuid: { uuid: randomUUID() },
      owner,
      ...(file ? { fileSize: file.size, fileName: file.originalname } : {}),
      creationDate: ctx.now().toISOString(),
    };
    if ("stored" in result) {
      return res.status(201).json({
        detailedImportResult: {
          ...base,
          successes: [{ internalId: Number(result.stored.nativeId), externalId: null, messages: null }],
          failures: [],
        },
      });
    }
    // Code 202 is Garmin's duplicate; 203 (an overlapping record) is SyncWell's assumption: Garmin documents none.
    const [clash, message] =
      "duplicate" in result
        ? [result.duplicate, { code: 202, content: `Duplicate ${what}.` }]
        : [result.overlap, { code: 203, content: `Overlaps an existing ${what.toLowerCase()}.` }];
    res.status(409).json({
      detailedImportResult: {
        ...base,
        successes: [],
        failures: [{ internalId: Number(clash.nativeId), externalId: null, messages: [message] }],
      },
    });
  };

  /** A weigh-in as real tools send one: a FIT weight-scale file to the upload-service. */
  const uploadWeighIn = async (file: Express.Multer.File, res: Response) => {
    let weighIns: ReturnType<typeof readFitWeighIns>;
    try {
      weighIns = readFitWeighIns(file.buffer);
    } catch (error) {
      return module().sendError(res, 400, (error as Error).message);
    }
    const [w] = weighIns;
    if (!w || weighIns.length > 1) return module().sendError(res, 400, "a weight file carries one weight_scale message");
    const body = BodySchema.safeParse({ weightKg: w.weightKg, ...(w.fatPercent === undefined ? {} : { fatPercent: w.fatPercent }) });
    if (!body.success) return module().sendError(res, 400, `invalid weight or body fat: ${body.error.issues[0]?.message}`);
    const owner = userOf(res);
    const result = await writeRecord(owner, "body", {
      startTime: w.time,
      endTime: w.time,
      utcOffsetSeconds: 0,
      name: "Weigh-in",
      data: { body: body.data },
    });
    answerImport(res, owner, file, "Weigh-in", result);
  };

  /**
   * SyncWell's assumption: Garmin documents no sleep write (the Health API only reads). A sleep is
   * posted in the shape the sleeps summary reads (start, offset, duration, `sleepLevelsMap`).
   */
  router.post("/sleep-service/sleep", ctx.op("create"), auth, async (req, res) => {
    const parsed = SleepWriteSchema.safeParse(req.body);
    if (!parsed.success) return module().sendError(res, 400, `invalid sleep: ${parsed.error.issues[0]?.message}`);
    let sleep: ReturnType<typeof stagesOf>;
    try {
      sleep = stagesOf(parsed.data);
    } catch (error) {
      return module().sendError(res, 400, `invalid sleepLevelsMap: ${(error as Error).message}`);
    }
    const owner = userOf(res);
    const start = parsed.data.startTimeInSeconds;
    const result = await writeRecord(owner, "sleep", {
      startTime: new Date(start * 1000),
      endTime: new Date((start + parsed.data.durationInSeconds) * 1000),
      utcOffsetSeconds: parsed.data.startTimeOffsetInSeconds ?? 0,
      name: "Sleep",
      data: { sleep },
    });
    answerImport(res, owner, undefined, "Sleep", result);
  });

  /**
   * Deletes a record of a kind the user holds, as the activity-service deletes activities. SyncWell's
   * assumption for sleep; Garmin Connect's weight-service deletes a weigh-in (there by date and version).
   */
  const deleteRecord =
    (kind: RecordKind): express.RequestHandler =>
    async (req, res) => {
      const record = await ctx.store.getActivity("garmin", String(req.params.id));
      if (record?.kind !== kind || record.partnerUserId !== userOf(res)) return module().sendError(res, 404, `${kind} not found`);
      await ctx.store.deleteActivity("garmin", record.nativeId);
      res.status(204).end();
    };
  router.delete("/sleep-service/sleep/:id", ctx.op("update"), auth, deleteRecord("sleep"));
  router.delete("/weight-service/weight/:id", ctx.op("update"), auth, deleteRecord("body"));

  return { uploadWeighIn };
}
