/** The help articles the troubleshooter searches, one per failure the DLQ playbook knows. */
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
];
