Feature: The partners' own rules, and events that are only hints (SPEC §14)
  Garmin and Strava refuse only an identical upload; a different activity that overlaps is
  accepted, so whether two workouts conflict is the engine's rule (an overlap of more than a
  minute), never the partner's. A webhook is a hint: a deauthorisation is confirmed with the
  partner before a connection is revoked, so a forged event changes nothing.

  Scenario Outline: Workouts that overlap by 30 seconds are no conflict under <strategy>: every one stays at Garmin
    Given a user syncing Strava to Garmin with the "<strategy>" strategy
    And the user recorded a workout "Evening run" on Strava
    And the watch put a workout on Garmin that ends 30 seconds after "Evening run" starts
    And the user recorded a workout "Cool-down" on Strava that starts 30 seconds before "Evening run" ends
    When the user asks for a sync
    Then the job succeeds having written 2 workouts
    And Garmin holds "Evening run", "Cool-down" and the watch's workout, each once

    Examples:
      | strategy    |
      | source_wins |
      | dest_wins   |
      | newest_wins |

  Scenario: A forged Strava deauthorisation changes nothing; the same event revokes once Strava confirms it
    Given a user syncing Strava to Garmin with the "source_wins" strategy
    When a Strava deauthorisation event for the athlete arrives
    Then SyncWell drops it as not confirmed by Strava
    And the Strava connection is "active"
    When the user records a workout "After the forgery" on Strava and syncs
    Then the job succeeds having written 1 workout
    Given the athlete revoked SyncWell's access on Strava
    When a Strava deauthorisation event for the athlete arrives
    Then the Strava connection becomes "revoked"
