Feature: Edits, deletes, privacy and filters follow the source (SPEC §15)
  What users of sync services ask for most: a renamed or deleted activity's copy follows it, a
  private activity stays private, filters keep out what the user does not want, and the sync log
  says what happened to each record and why.

  Scenario: A workout renamed on Strava is renamed at Garmin through Strava's update webhook
    Given a user syncing Strava to Garmin with the "source_wins" strategy
    And Strava delivers webhooks to SyncWell
    When the user records a workout "Morning run" on Strava
    Then Garmin eventually holds a workout named "Morning run"
    When the user renames "Morning run" on Strava to "Tempo run"
    Then Garmin eventually holds a workout named "Tempo run"
    And Garmin holds 1 workout
    And the sync log eventually says "updated" with reason "changed_at_source" for "Morning run"

  Scenario: A workout renamed on Garmin, a polled source, is renamed at Strava on the next read
    Given a user syncing Garmin to Strava with the "source_wins" strategy
    When the user records a workout "Lunch ride" on Garmin
    And the user asks for a sync
    Then the job succeeds having written 1 workout
    When the user renames "Lunch ride" on Garmin to "Hill repeats"
    And the user asks for a sync
    Then the job succeeds having written 1 workout
    And Strava eventually holds a workout named "Hill repeats"
    And Strava holds 1 workout
    And the sync log says "updated" with reason "changed_at_source" for "Lunch ride"

  Scenario: A workout deleted on Strava is deleted at Garmin
    Given a user syncing Strava to Garmin with the "source_wins" strategy
    And Strava delivers webhooks to SyncWell
    When the user records a workout "Morning run" on Strava
    Then Garmin eventually holds a workout named "Morning run"
    When the user deletes "Morning run" on Strava
    Then the sync log eventually says "deleted" with reason "deleted_at_source" for "Morning run"
    And Garmin holds 0 workouts

  Scenario: Strava cannot delete for apps, and the sync log says so
    Given a user syncing Oura to Strava with the "source_wins" strategy
    And Oura delivers webhooks to SyncWell
    When the user records a workout "Evening ride" on Oura
    Then Strava eventually holds a workout named "Evening ride"
    When the user deletes "Evening ride" on Oura
    Then the sync log eventually says "skipped" with reason "destination_cannot_delete" for "Evening ride"
    And Strava holds 1 workout

  Scenario: A copy deleted at the destination is not uploaded again, until the user resyncs it
    Given a user syncing Strava to Garmin with the "source_wins" strategy
    And Strava delivers webhooks to SyncWell
    When the user records a workout "Morning run" on Strava
    Then Garmin eventually holds a workout named "Morning run"
    When the user deletes the copy of "Morning run" on Garmin
    And the user renames "Morning run" on Strava to "Renamed run"
    Then the sync log eventually says "skipped" with reason "deleted_at_destination" for "Morning run"
    And Garmin holds 0 workouts
    When the user resyncs "Morning run"
    Then Garmin holds 1 workout
    And Garmin eventually holds a workout named "Renamed run"

  Scenario: Private activities are not synced unless the config says so
    Given a user syncing Strava to Garmin with the "source_wins" strategy
    And the user recorded a private workout "Secret ride" on Strava
    And the user recorded a workout "Public run" on Strava
    When the user asks for a sync
    Then the job succeeds having written 1 workout
    And the sync log says "skipped" with reason "private" for "Secret ride"
    And the sync log says "written" with reason "new" for "Public run"

  Scenario: With syncPrivate a private activity is synced and stays private
    Given a user syncing Strava to Garmin with the config:
      """
      {"syncPrivate": true}
      """
    And the user recorded a private workout "Secret ride" on Strava
    When the user asks for a sync
    Then the job succeeds having written 1 workout
    And Garmin holds a private workout named "Secret ride"

  Scenario: Filters skip what the user does not want, before its payload is read
    Given a user syncing Strava to Garmin with the config:
      """
      {"filters": {"activityTypes": ["run"], "excludeNameContains": ["zwift"], "minDurationSeconds": 900}}
      """
    And the user recorded these workouts on Strava:
      | name          | type | minutes |
      | Zwift Watopia | run  | 45      |
      | Dog walk      | walk | 45      |
      | Strides       | run  | 5       |
      | Long run      | run  | 90      |
    When the user asks for a sync
    Then the job succeeds having written 1 workout
    And only "Long run"'s payload was fetched from Strava
    And the sync log says "skipped" with reason "filtered" for "Zwift Watopia"
    And the sync log says "skipped" with reason "filtered" for "Dog walk"
    And the sync log says "skipped" with reason "filtered" for "Strides"

  Scenario: A manual activity, without samples or GPS, syncs
    Given a user syncing Strava to Garmin with the "source_wins" strategy
    And the user recorded a manual workout "Gym session" on Strava
    When the user asks for a sync
    Then the job succeeds having written 1 workout
    And Garmin eventually holds a workout named "Gym session"

  Scenario: A workout Polar lists in local time is the same activity as the watch's copy at Garmin
    Given a user syncing Polar to Garmin with the "source_wins" strategy
    And the user recorded a workout "Alpine run" at Polar two hours east of UTC
    And the watch put the same "Alpine run" on Garmin
    When the user asks for a sync
    Then the job succeeds having written 0 workouts
    And Garmin holds 1 workout
    And the sync log says "skipped" with reason "already_at_destination" for "Alpine run"
