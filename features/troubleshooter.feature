Feature: The AI troubleshooter
  The app's assistant finds the help article for a clear problem, asks a question when the
  problem is vague, and hands the conversation to a human with a ticket when its fix fails.
  Asked why one workout did not sync, it reads the caller's own sync log and answers with the
  real reason, its help article, and a resync where that would help.
  (The tests drive the graph with the deterministic scripted chat model.)

  Scenario: "Strava says reconnect" gets the reconnect article
    When the user tells the troubleshooter "Strava says I have to reconnect"
    Then the troubleshooter proposes the help article "reconnect-provider"
    And it asks whether that solved the problem

  Scenario: A vague problem gets a clarifying question first
    When the user tells the troubleshooter "it doesn't work"
    Then the troubleshooter asks a clarifying question and proposes no article
    When the user answers "Garmin shows duplicate workouts"
    Then the troubleshooter proposes the help article "duplicate-workouts"

  Scenario: A fix that did not work is escalated with a ticket
    When the user tells the troubleshooter "Strava says I have to reconnect"
    And the user answers "No, I reconnected and it still fails"
    Then the conversation ends escalated
    And support has a troubleshooter ticket for the user with a summary of the conversation

  Scenario: "Why didn't my ride sync to Garmin?" gets the private skip from the sync log
    Given a user syncing Strava to Garmin with the "source_wins" strategy
    And the user recorded a private workout "Secret ride" on Strava
    And the user recorded a workout "Public run" on Strava
    When the user asks for a sync
    Then the job succeeds having written 1 workout
    When the user tells the troubleshooter "Why didn't my ride sync to Garmin?"
    Then the troubleshooter says the sync log "skipped" "Secret ride" with reason "private"
    And the troubleshooter proposes the help article "private-workouts"
    And the troubleshooter offers no resync

  Scenario: A filtered workout's reason comes back from the sync log, and another user's log stays out of it
    Given a user syncing Strava to Garmin with the config:
      """
      {"filters": {"activityTypes": ["run"]}}
      """
    And the user recorded these workouts on Strava:
      | name      | type | minutes |
      | Dog walk  | walk | 45      |
      | Long run  | run  | 90      |
    When the user asks for a sync
    Then the job succeeds having written 1 workout
    When the user tells the troubleshooter "My walk from today isn't on Garmin"
    Then the troubleshooter says the sync log "skipped" "Dog walk" with reason "filtered"
    And the troubleshooter proposes the help article "sync-filters"
    And another user asking the same finds nothing in the sync log

  Scenario: A copy deleted at the destination is explained, and the offered resync brings it back
    Given a user syncing Strava to Garmin with the "source_wins" strategy
    And Strava delivers webhooks to SyncWell
    When the user records a workout "Morning run" on Strava
    Then Garmin eventually holds a workout named "Morning run"
    When the user deletes the copy of "Morning run" on Garmin
    And the user renames "Morning run" on Strava to "Renamed run"
    Then the sync log eventually says "skipped" with reason "deleted_at_destination" for "Morning run"
    When the user tells the troubleshooter "Why is my run not on Garmin any more?"
    Then the troubleshooter says the sync log "skipped" "Morning run" with reason "deleted_at_destination"
    And the troubleshooter proposes the help article "deleted-at-destination"
    When the user accepts the troubleshooter's resync
    Then Garmin eventually holds a workout named "Renamed run"
