Feature: Sleep, daily totals and body measurements sync like workouts
  SPEC §18: each type with its own conflict rule, exactly once at the destination, the sync log
  saying what happened. The demo's three: a night of sleep from the Oura ring to Garmin Connect,
  a weigh-in from the Withings scale to Garmin, a HealthKit workout to Strava
  (features/device-uploads.feature).

  Scenario: a night of sleep recorded by the Oura ring reaches Garmin Connect once, stages and all
    Given a user syncing "sleep" from Oura to Garmin
    And Oura delivers webhooks to SyncWell
    When the user's Oura ring records a night of sleep
    Then Garmin holds that night once, with its stages
    And a sync of the config now writes nothing
    And the sync log of the night says "written" "new"

  Scenario: the night the watch recorded too (within a minute) is already at Garmin and is not written
    Given a user syncing "sleep" from Oura to Garmin
    And the user's Garmin watch recorded the night 40 seconds apart from the ring
    When the user's Oura ring records that night and the config syncs
    Then Garmin holds one night
    And the sync log of the night says "skipped" "already_at_destination"

  Scenario: a weigh-in uploaded from the phone reaches Garmin once, however often the batch is uploaded
    Given a user syncing "body" from Apple Health to Garmin
    When the app uploads a weigh-in of 71.8 kg and its job succeeds
    And the app uploads the same weigh-in again
    Then Garmin holds one weigh-in of 71.8 kg

  Scenario: a weigh-in on the Withings scale reaches Garmin once (Withings' form-encoded notification starts the job)
    Given a user syncing "body" from Withings to Garmin
    And Withings delivers webhooks to SyncWell
    When the user steps on the Withings scale: 72.4 kg
    Then Garmin holds one weigh-in of 72.4 kg
    And a sync of the config writes nothing more

  Scenario Outline: a night of sleep from <source> reaches Garmin once, stages and all
    Given a user syncing "sleep" from <source> to Garmin
    When the user's <source> device records a night of sleep and the config syncs
    Then Garmin holds that night once, with its stages
    And a sync of the config now writes nothing

    Examples:
      | source   |
      | Oura     |
      | Polar    |
      | Withings |
