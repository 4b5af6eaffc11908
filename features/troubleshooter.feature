Feature: The AI troubleshooter
  The app's assistant finds the help article for a clear problem, asks a question when the
  problem is vague, and hands the conversation to a human with a ticket when its fix fails.
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
