Feature: Conflict resolution
  Records conflict when they overlap by more than a minute (SPEC §14): the engine's rule, not the
  partner's, decides. Garmin accepts a different overlapping upload, so SyncWell reads it before
  writing. The strategy decides on metadata, and payloads are fetched only for the records written.

  Scenario: source_wins replaces an overlapping destination workout
    Given a user syncing Strava to Garmin with the "source_wins" strategy
    And the user recorded a workout "Tempo run" on Strava
    And the watch already put a workout overlapping "Tempo run" on Garmin
    When the user asks for a sync
    Then the job succeeds having written 1 workout
    And Garmin holds only the Strava version of "Tempo run"
    And Garmin was asked for its workouts before writing

  Scenario Outline: A 30-second overlap is no conflict under <strategy>: both workouts stay
    Given a user syncing Strava to Garmin with the "<strategy>" strategy
    And the user recorded a workout "Tempo run" on Strava
    And the watch already put a workout on Garmin that overlaps "Tempo run" by 30 seconds
    When the user asks for a sync
    Then the job succeeds having written 1 workout
    And Garmin holds the watch's workout and "Tempo run"

    Examples:
      | strategy    |
      | source_wins |
      | dest_wins   |
      | newest_wins |

  Scenario: dest_wins keeps the destination's workout and fetches only what it writes
    Given a user syncing Strava to Garmin with the "dest_wins" strategy
    And the user recorded a workout "Tempo run" on Strava
    And the user recorded a workout "Long ride" on Strava
    And the watch already put a workout overlapping "Tempo run" on Garmin
    When the user asks for a sync
    Then the job succeeds having written 1 workout
    And Garmin holds the watch's workout and "Long ride"
    And only "Long ride"'s payload was fetched from Strava

  Scenario Outline: newest_wins keeps the newer workout
    Given a user syncing Strava to Garmin with the "newest_wins" strategy
    And the user recorded a workout "Tempo run" on Strava
    And the watch already put a workout overlapping "Tempo run" on Garmin that ends <when> it
    When the user asks for a sync
    Then Garmin holds <kept>

    Examples:
      | when   | kept                                   |
      | before | only the Strava version of "Tempo run" |
      | after  | only the watch's workout               |
