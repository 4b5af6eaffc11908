Feature: Device uploads (Apple Health)
  The mobile app reads workouts from HealthKit and uploads them in batches to the user's apple_health
  connection; the batch is kept in object storage, each job carries its key, and the worker syncs the
  records like any source's: exactly once at the destination, whatever is uploaded again.

  Background:
    Given a user whose Apple Health syncs to Strava

  Scenario: A HealthKit workout uploaded by the app reaches Strava exactly once
    When the app uploads a HealthKit batch of 1 workout
    Then the upload is accepted and its jobs succeed having written 1 workout
    And Strava holds each uploaded HealthKit workout exactly once

  Scenario: The same batch uploaded again writes nothing
    Given the app uploaded a HealthKit batch of 2 workouts and its jobs succeeded
    When the app uploads the same HealthKit batch again with a new Idempotency-Key
    Then the upload is accepted and its jobs succeed having written 0 workouts
    And Strava holds each uploaded HealthKit workout exactly once

  Scenario: A record that fails its schema is refused with its index, and nothing syncs
    When the app uploads a HealthKit batch of 4 workouts whose 4th has no valid start time
    Then the upload is refused with 422 naming "records[3].startTime"
    And Strava holds no HealthKit workout

  Scenario: A batch over the size limit is refused
    When the app uploads a HealthKit batch larger than the upload limit
    Then the upload is refused with 413

  Scenario: A device upload for another user's connection is not found
    When another user uploads a HealthKit batch to this user's Apple Health connection
    Then the upload is refused with 404
