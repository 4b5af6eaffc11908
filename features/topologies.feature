Feature: Every topology a user can build (SPEC §14)
  One source feeding several destinations, two-way pairs, late uploads and rate limits: each
  source record arrives at each destination exactly once, and nothing is echoed back.

  Scenario: Fan-out from Polar to Strava and Garmin: one read serves both configs
    Given a user syncing Polar to Strava and to Garmin
    And the user recorded 2 workouts at Polar
    When the user syncs the Polar to Strava config
    Then Strava holds every Polar workout exactly once
    And Garmin holds every Polar workout exactly once
    When the user syncs the Polar to Garmin config
    Then Garmin holds every Polar workout exactly once

  Scenario: Two-way Strava and Garmin: nothing is echoed back
    Given a user syncing Strava to Garmin and Garmin to Strava with the "dest_wins" strategy
    And the user recorded a workout "Morning run" on Strava
    When the user syncs Strava to Garmin and then Garmin to Strava
    Then Strava holds 1 workout
    And Garmin holds 1 workout

  Scenario: A workout uploaded to Strava 8 days after it was recorded syncs through its webhook
    Given a user syncing Strava to Garmin with the "source_wins" strategy
    And the user synced
    And Strava delivers webhooks to SyncWell
    When a workout recorded 8 days ago is uploaded to Strava
    Then Garmin eventually holds the late workout
