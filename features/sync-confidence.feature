Feature: Sync confidence
  When the destination has been empty again and again, SyncWell may stop asking it before
  writing, but only where a push would report the conflict it missed (SPEC §14). Garmin and
  Strava accept a different overlapping upload, so SyncWell always reads them first.

  Scenario: A destination that cannot report a conflict is read before every write, however long it was empty
    Given a user syncing Strava to Garmin with the "dest_wins" strategy
    And 10 syncs in a row found Garmin empty
    When the watch puts a workout on Garmin overlapping a new Strava workout and the user syncs
    Then Garmin was asked for its workouts before writing
    And Garmin holds the watch's workout
