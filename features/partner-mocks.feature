Feature: Realistic partner APIs
  SyncWell is tested against mock partners that speak each partner's own protocol:
  OAuth with expiring, rotating tokens, the partner's rate limits and its own data formats.

  Scenario: A Strava athlete authorises SyncWell
    Given a Strava athlete
    When SyncWell exchanges the athlete's authorization code
    Then it receives a 6-hour access token and a refresh token
    And the authorization code cannot be used a second time

  Scenario: An expired access token is refreshed and the refresh token rotates
    Given a Strava athlete who has authorised SyncWell
    And the athlete's access token has expired
    When SyncWell refreshes the athlete's token
    Then it receives a new access token and a new refresh token
    And the old refresh token no longer works

  Scenario: Strava answers an exhausted rate limit the Strava way
    Given a Strava athlete who has authorised SyncWell
    And Strava allows 2 read requests per 15 minutes
    When SyncWell lists the athlete's activities 3 times
    Then the last answer is a 429 with Strava's rate-limit error
    And every answer reports the 15-minute and daily usage in Strava's headers

  Scenario: Polar offers new workouts through pull notifications and transactions
    Given a Polar user who has authorised SyncWell
    And the user records 2 workouts
    Then Polar's pull notifications list the user
    When SyncWell reads the new exercises in one transaction and commits it
    Then SyncWell has read 2 exercises
    And Polar has nothing new for the user
