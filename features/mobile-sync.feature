Feature: Mobile-initiated sync
  The app asks for a sync; the gateway queues one job per Idempotency-Key, and the worker writes
  the source's new workouts to the destination, each exactly once, at the minimum partner cost.

  Background:
    Given a user syncing Strava to Garmin with the "source_wins" strategy

  Scenario: A sync writes new workouts to the destination
    Given the user recorded 2 workouts on Strava
    When the user asks for a sync
    Then the job succeeds having written 2 workouts
    And Garmin holds each Strava workout exactly once
    And the sync cost 1 Strava listing, 2 Strava payload fetches, 2 Garmin listings and 2 Garmin uploads
    And the sync config's lastSyncTime has advanced

  Scenario: A replayed Idempotency-Key makes no second job
    Given the user recorded 1 workout on Strava
    When the user asks for a sync with Idempotency-Key "tap-1"
    And the user asks for a sync with Idempotency-Key "tap-1" again
    Then both answers carry the same job id
    And Garmin holds each Strava workout exactly once

  Scenario: An empty source costs one partner call and advances lastSyncTime
    When the user asks for a sync
    Then the job succeeds having written 0 workouts
    And the sync cost exactly 1 partner call
    And the sync config's lastSyncTime has advanced

  Scenario: A late upload still syncs
    Given the user recorded 1 workout on Strava
    And the user synced
    When a workout recorded 3 days ago is uploaded to Strava
    And the user asks for a sync
    Then the job succeeds having written 1 workout
    And Garmin holds each Strava workout exactly once

  Scenario: Concurrent duplicates of one request make one job
    Given the user recorded 1 workout on Strava
    When the app sends the same sync request 5 times at once
    Then every answer is the same job or "in progress", and exactly one job was queued
    And Garmin holds each Strava workout exactly once
