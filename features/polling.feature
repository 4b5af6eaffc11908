Feature: Adaptive polling for partners without webhooks
  Polar has no webhooks. The poller asks it the cheap "anything new?" question on a schedule that
  stretches while nothing happens and tightens when data arrives, and queues a job only then.

  Background:
    Given a user syncing Polar to Garmin with the "source_wins" strategy

  Scenario: A poll with nothing new makes no job and costs one pre-flight call
    When nothing has been polled yet
    And the poller has polled the user's Polar account 2 times
    Then every poll found nothing and cost one pre-flight call, and no job was queued
    And the interval grew after each empty poll

  Scenario: New data makes a job, and the interval shrinks again
    When the poller has polled the user's Polar account 2 times
    And the user records a workout on Polar
    Then a poll finds it and the workout reaches Garmin
    And the interval shrank after the poll that found data
