Feature: The DLQ playbook
  A job that fails five times becomes a support ticket with a 24-hour contact deadline. Support
  sees metadata only, never health data, and re-drives the job once its cause is fixed; the job
  then syncs once, with no duplicate at the destination.

  Background:
    Given a user syncing Strava to Garmin with the "source_wins" strategy

  Scenario: Five failures open a categorised ticket due 24 hours after the first failure
    Given the user recorded 1 workout on Strava
    And Strava answers the next 5 listings with a 503
    When the user asks for a sync
    Then the job ends dead_lettered after 5 attempts
    And support has one "third_party" ticket for the job, due 24 hours after its first failure
    And the ticket's initial contact message names Strava and Garmin

  Scenario: The DLQ list shows metadata only, never health data
    Given the user recorded a workout "Morning run with Jane" on Strava
    And Garmin refuses the next 5 uploads with a 400
    When the user asks for a sync
    Then the job ends dead_lettered with category "permanent"
    And support's DLQ list shows the job from strava to garmin as "bad_data" with its attempts and age
    And support's DLQ list holds no workout name, sample or token
    And the inspection is in the audit log under the agent's name

  Scenario: A re-drive after the fault is cleared syncs the job once, with no duplicate
    Given the user recorded 2 workouts on Strava
    And Garmin refuses the next 10 uploads with a 503
    When the user asks for a sync
    Then the job ends dead_lettered after 5 attempts
    When the fault is cleared and support re-drives the job's DLQ message
    Then the job succeeds
    And Garmin holds each Strava workout exactly once
    And re-driving the same message again does nothing
