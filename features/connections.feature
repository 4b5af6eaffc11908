Feature: The app lists the user's accounts and syncs, and disconnects an account
  SPEC §13: GET /v1/connections and GET /v1/sync-configs answer the caller's own as {"items":[…]},
  each item as its single GET shows it and never a token. DELETE /v1/connections/{id} disconnects:
  SyncWell's access is revoked at the partner with the partner's own call, the tokens are deleted,
  every sync config reading from or writing to the account is disabled, and the connection stays
  listed as "revoked" until the account is connected again. Deleting it again is 204 too.

  Scenario: the app lists the user's own connections and sync configs, and no token
    Given a user syncing Strava to Garmin with the "source_wins" strategy
    When the user lists their connections and their sync configs
    Then the connections listed are the Strava and the Garmin one, both "active", with no token
    And the sync configs listed are the user's one config, as it reads on its own
    And another user's lists are empty

  Scenario: disconnecting the source revokes SyncWell's access at Strava and stops the sync
    Given a user syncing Strava to Garmin with the "source_wins" strategy
    When the user disconnects their Strava account
    Then the answer is 204 with no body
    And Strava no longer honours SyncWell's access for the user
    And the Strava connection is listed as "revoked"
    And the sync config is disabled
    And a sync of it does not run

  Scenario: disconnecting the destination disables the sync that writes to it
    Given a user syncing Strava to Garmin with the "source_wins" strategy
    When the user disconnects their Garmin account
    Then the answer is 204 with no body
    And Garmin no longer honours SyncWell's access for the user
    And the sync config is disabled

  Scenario Outline: every partner is told through its own revoke call (<partner>)
    Given the user connected their <partner> account
    When the user disconnects their <partner> account
    Then the answer is 204 with no body
    And <partner> no longer honours SyncWell's access for the user
    And the <partner> connection is listed as "revoked"

    Examples:
      | partner |
      | Strava  |
      | Garmin  |
      | Polar   |
      | Oura    |

  Scenario: disconnecting twice answers 204 both times and calls the partner only the first time
    Given a user syncing Strava to Garmin with the "source_wins" strategy
    When the user disconnects their Strava account
    And the user disconnects their Strava account again
    Then the answer is 204 with no body
    And Strava was not called by the second disconnect

  Scenario: another user cannot disconnect the user's account
    Given a user syncing Strava to Garmin with the "source_wins" strategy
    When another user tries to disconnect the user's Strava connection
    Then the answer is a 404 problem
    And the Strava connection is listed as "active"
    And the sync config is enabled

  Scenario Outline: a connection id that names nothing is a 404 problem (<id>)
    When the user tries to disconnect <id>
    Then the answer is a 404 problem

    Examples:
      | id                                 |
      | an unknown connection              |
      | a connection id of 300 characters  |

  Scenario: Strava not answering: the sync stops at once, and trying again finishes the disconnect
    Given a user syncing Strava to Garmin with the "source_wins" strategy
    And Strava fails the next revoke call with a 503
    When the user disconnects their Strava account
    Then the answer is a 503 problem
    And the sync config is disabled
    And the Strava connection is listed as "active"
    When the user disconnects their Strava account
    Then the answer is 204 with no body
    And Strava no longer honours SyncWell's access for the user

  Scenario: connecting the account again brings the same connection back, and its sync waits to be enabled
    Given a user syncing Strava to Garmin with the "source_wins" strategy
    And the user disconnected their Strava account
    When the user enables the sync config
    Then the answer is a 422 problem naming "sourceConnectionId"
    When the user connects the same Strava account again
    Then it is the same Strava connection, "active"
    And the sync config is disabled
    When the user enables the sync config
    Then a sync of it succeeds
