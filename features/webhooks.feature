Feature: Webhook-driven sync
  Partners call SyncWell's webhooks; every call is verified the partner's way and acknowledged at
  once. The coalescer turns a burst of events for one sync config into one job, and never loses
  an event: one that arrives while a sync runs gets a follow-up job.

  Scenario: A burst of webhooks makes one job
    Given a user syncing Strava to Garmin with the "source_wins" strategy
    And Strava delivers webhooks to SyncWell
    When the athlete uploads 5 workouts to Strava in a burst
    Then 1 webhook job syncs them and Garmin holds each exactly once
    And the other 4 events were folded into that job

  Scenario: A webhook during a running sync makes a follow-up job
    Given a user syncing Strava to Garmin with the "source_wins" strategy
    And Strava delivers webhooks to SyncWell
    When the athlete uploads a workout while the sync it triggered is running
    Then 2 webhook jobs sync them and Garmin holds each exactly once

  Scenario: The Strava subscription handshake
    When Strava checks the subscription with verify_token "dev-strava-verify-token"
    Then SyncWell echoes the challenge

  Scenario: A handshake with the wrong verify_token is refused
    When Strava checks the subscription with verify_token "guess"
    Then it is refused with a 403 and nothing is queued

  Scenario Outline: An unverified or malformed webhook is refused and nothing is queued
    When a webhook arrives <call>
    Then it is refused with a <status> and nothing is queued

    Examples:
      | call                                           | status |
      | from Oura with a bad signature                 | 401    |
      | from Oura with a stale timestamp               | 401    |
      | from Strava for another subscription           | 403    |
      | from Garmin without its client id              | 401    |
      | from Garmin with a callbackURL on another host | 400    |
      | for an unknown provider                        | 404    |
      | that is not JSON                               | 400    |

  Scenario: A replayed Oura event is ignored
    When the same signed Oura event arrives twice
    Then only the first is queued

  Scenario: A deauthorisation event revokes the connection
    Given a user syncing Strava to Garmin with the "source_wins" strategy
    And Strava delivers webhooks to SyncWell
    When the athlete deauthorises SyncWell on Strava
    Then the Strava connection becomes "revoked"

  Scenario: An oversized webhook body is refused
    When a webhook arrives with a body over 64 KiB
    Then it is refused with a 413 and nothing is queued
