/**
 * The help articles the troubleshooter searches: one per failure the DLQ playbook knows, and one per
 * reason of the sync log (SPEC §15) that a user may ask about.
 */
export interface Article {
  slug: string;
  title: string;
  body: string;
}

export const ARTICLES: readonly Article[] = [
  {
    slug: "reconnect-provider",
    title: "Reconnect Strava, Garmin, Polar or Oura when the app asks you to reconnect",
    body: `When a partner such as Strava, Garmin, Polar or Oura revokes or expires SyncWell's access (you changed your password, removed SyncWell under the partner's connected apps, or the authorisation expired), syncing stops and the app says "reconnect" or "authorization expired".
Fix: open SyncWell → Settings → Connections, tap the provider marked "Reconnect needed", and sign in again and approve access. Your sync configurations are kept; the workouts recorded meanwhile sync right after you reconnect. If the partner keeps asking you to reconnect, check the partner's own "connected apps" page still lists SyncWell.`,
  },
  {
    slug: "partner-outage",
    title: "A partner is down or returns errors: syncs are delayed, not lost",
    body: `Sometimes Strava, Garmin, Polar or Oura are down, slow or answer with server errors (5xx, timeout, unavailable). SyncWell retries automatically with backoff; if a partner stays down, the sync is parked and our support team re-runs it once the partner is back. Nothing is lost and nothing is written twice.
What you can do: nothing is needed. Check the partner's status page if workouts are missing for more than a few hours; we contact you within 24 hours if a sync needs attention.`,
  },
  {
    slug: "rate-limits",
    title: "Syncs are slow because of partner rate limits",
    body: `Partners limit how many requests apps may make every 15 minutes and every day (Strava: 15-minute and daily limits). When SyncWell reaches a limit it waits for the window to reset and then continues, so a sync can be delayed by up to 15 minutes, or to the next day at busy times. Waiting never fails a sync and never duplicates a workout.
What you can do: nothing; avoid pressing "sync now" repeatedly, each press is one request.`,
  },
  {
    slug: "duplicate-workouts",
    title: "Duplicate workouts at the destination",
    body: `SyncWell writes each workout once: it remembers every workout it wrote and the destination refuses exact duplicates. Duplicates usually come from two apps syncing the same workout (for example the watch uploads to Garmin directly and SyncWell also syncs it from Strava) or from a workout recorded twice on the device.
Fix: check Settings → Connections for a second sync in the other direction or another app syncing to the same destination, switch one of them off, then delete the extra copy at the destination. Conflict strategy "destination wins" keeps what the destination already has.`,
  },
  {
    slug: "late-uploads",
    title: "A workout is missing or arrives late",
    body: `Workouts appear at the destination after the source has them: watches often upload to Garmin or Polar hours after the activity, and partners that do not notify us are checked on a schedule that adapts to when you usually train. A workout recorded days ago but uploaded late is still synced.
What you can do: open the source app and make sure the workout has finished uploading, then use "sync now" in SyncWell. If it is still missing after an hour, tell us which workout (date and type) is missing.`,
  },
  {
    slug: "rejected-workout-data",
    title: "A workout was rejected as invalid by the destination",
    body: `A destination can refuse a workout it considers invalid (bad request, unsupported activity type, overlapping times, a file it cannot read). SyncWell does not retry such a workout forever: our support team looks at it and contacts you within 24 hours.
What you can do: check the workout at the source for obvious errors (wrong duration, zero distance, overlapping activities) and edit or delete it there.`,
  },
  {
    slug: "sync-filters",
    title: "A workout was skipped by this sync's filters (activity types, excluded name words, minimum duration)",
    body: `Each sync can have filters: the activity types it copies, words that exclude a workout when its name contains them, and a minimum duration. A workout that does not pass them is skipped on purpose, before anything of it is downloaded, and the sync log lists it as skipped with the reason "filtered".
Fix: open SyncWell → your sync → Filters and add the activity type, remove the word or lower the minimum duration. The filters apply to workouts from then on; to copy a workout that was already skipped, tap "Sync again" on it in the sync log after changing the filter.`,
  },
  {
    slug: "private-workouts",
    title: "Private workouts are not synced unless you allow private workouts",
    body: `A workout marked private ("only me") at the source is skipped unless the sync allows private workouts, and the sync log lists it with the reason "private". A partner that does not tell SyncWell whether a workout is private counts as private, to be safe.
Fix: open SyncWell → your sync and switch on "Sync private workouts" (a private workout then stays private at the destination), or change the workout's visibility at the source. Then tap "Sync again" on it in the sync log.`,
  },
  {
    slug: "kept-destination-workout",
    title: "The destination already had an overlapping workout, and the conflict strategy kept it",
    body: `When the destination already holds a workout overlapping in time (for example the watch uploaded it to Garmin directly), the sync's conflict strategy decides which one stays. With "destination wins" SyncWell leaves the destination's workout alone and skips the source's; the sync log lists it with the reason "conflict_kept_destination". Nothing is lost: the source still has its copy.
Fix: to have the source's version instead, switch the sync's conflict strategy to "source wins" (it replaces overlapping workouts where the destination allows deleting), or delete the destination's workout yourself, then tap "Sync again" on it in the sync log.`,
  },
  {
    slug: "newer-at-destination",
    title: "Newest wins: the destination's newer overlapping workout was kept",
    body: `With the "newest wins" conflict strategy SyncWell compares two overlapping workouts by when they were last changed (or by their end times where a partner does not report changes) and keeps the newer one. When the destination's was newer, the source's is skipped and the sync log lists the reason "older_than_destination".
Fix: edit the workout at the source (that makes it the newer one) or switch the sync to "source wins", then tap "Sync again" on it in the sync log.`,
  },
  {
    slug: "already-at-destination",
    title: "The workout was already at the destination, so nothing was written",
    body: `The sync log lists a workout with the reason "already_at_destination" when the destination already holds it, as SyncWell wrote it earlier or with the same times and data, so writing it again would only add a second copy.
What you can do: look for it at the destination under its start date and time (partners sort by start, not by upload). If it is not there, tap "Sync again" on it in the sync log.`,
  },
  {
    slug: "deleted-at-destination",
    title: "You deleted the copy at the destination, so it never comes back by itself",
    body: `When you delete a workout that SyncWell wrote at the destination (Strava or Garmin), SyncWell respects that and never uploads it again by itself, even when the source changes; the sync log lists it with the reason "deleted_at_destination".
Fix: to bring it back, tap "Sync again" on the workout in the sync log (or accept the assistant's offer): SyncWell then writes that one workout once more.`,
  },
  {
    slug: "destination-cannot-delete",
    title: "Deleting a workout at the source does not delete its copy at Strava",
    body: `When you delete a workout at the source, SyncWell deletes its copy at the destination where the partner lets apps delete. Strava does not, so the copy stays there and the sync log lists the reason "destination_cannot_delete". Where the destination allows it, the copy is deleted with the source.
Fix: delete the copy at Strava yourself (open the activity, then the menu, then Delete).`,
  },
  {
    slug: "destination-cannot-update",
    title: "A renamed or edited workout at the source did not change its copy at the destination",
    body: `When you edit a workout at the source (rename it, change its type, times or visibility), SyncWell changes its copy where the destination allows it: Strava lets apps change the name and type only, and at Garmin the copy is replaced. When the destination can neither change nor replace the copy, it keeps the earlier version and the sync log lists the reason "destination_cannot_update".
Fix: edit the copy at the destination yourself, or delete it there and tap "Sync again" on the workout in the sync log.`,
  },
  {
    slug: "resync-a-workout",
    title: "What happened to a workout: the sync log, and syncing one workout again",
    body: `Every sync keeps a log of what it decided about each workout for 90 days: written, updated, deleted, skipped (with the reason) or failed (with the kind of failure). Open SyncWell → your sync → Sync log to look at it.
When a workout failed for an unexpected reason our support team is told and contacts you within 24 hours. Once the cause is fixed, or right away, tap "Sync again" on the workout: SyncWell copies that one workout again, whatever it decided before.`,
  },
];
