Feature: Failures, retries and the DLQ
  Transient failures are retried, never duplicating a record; five failures end in the DLQ with
  the reason; tokens are refreshed once, and a refused refresh asks the user to reconnect.

  Background:
    Given a user syncing Strava to Garmin with the "source_wins" strategy

  Scenario: A partial push failure retries and leaves no duplicate
    Given the user recorded 3 workouts on Strava
    And Garmin fails the next upload with a 500
    When the user asks for a sync
    Then the job succeeds after 1 failed attempt
    And Garmin holds each Strava workout exactly once
    And Strava was asked for 4 payloads in all

  Scenario: Five failures end in the DLQ with the reason
    Given the user recorded 1 workout on Strava
    And Strava answers the next 5 listings with a 503
    When the user asks for a sync
    Then the job ends dead_lettered after 5 attempts
    And the DLQ holds the job with userId, syncConfigId, category "transient" and a message naming the 503

  Scenario: An expired access token is refreshed
    Given the user recorded 1 workout on Strava
    And the Strava access token has expired
    When the user asks for a sync
    Then the job succeeds having written 1 workout
    And SyncWell refreshed the Strava token once

  Scenario: A revoked authorisation marks the connection reauth_required
    Given the user recorded 1 workout on Strava
    And the athlete revoked SyncWell's access on Strava
    When the user asks for a sync
    Then the job ends dead_lettered with category "auth"
    And the Strava connection is "reauth_required"

  Scenario: A message that can never be valid goes to the DLQ with its reason and does not loop
    When a message that is not a job is put on the queue
    Then the DLQ holds it with category "invalid_message" after a single receive

  Scenario: Rate limits are waited out and never count toward the DLQ
    Given the user recorded 1 workout on Strava
    And Strava answers the next 6 listings with a 429
    When the user asks for a sync
    Then the job succeeds after 0 failed attempts
    And Garmin holds each Strava workout exactly once
