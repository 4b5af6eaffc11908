Feature: Sync confidence
  When the destination has been empty again and again, SyncWell stops asking it before writing,
  and starts asking again as soon as a write runs into a conflict.

  Scenario: The destination fetch is skipped after 10 empty fetches and resumes after a push conflict
    Given a user syncing Strava to Garmin with the "dest_wins" strategy
    And 10 syncs in a row found Garmin empty
    When the user records 1 more workout on Strava and syncs
    Then Garmin was not asked for its workouts
    When the watch puts a workout on Garmin overlapping a new Strava workout and the user syncs
    Then the push conflict made the job fetch Garmin again
    And Garmin holds the watch's workout
