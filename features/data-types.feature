Feature: Which partner serves which data type, enforced when a sync config is made
  SPEC §18: workouts, sleep, daily activity and body measurements. Each partner is a source, a
  destination or both for each type it serves (the README's partner × type table, which is
  core's SUPPORTED_TYPES); a config for a pair that cannot work is a 422 naming the field, and
  filters are only those that make sense for the type.

  Scenario Outline: a <type> config from <source> to <destination> is refused, naming <field>
    Given the user connected their <source> account
    And the user connected their <destination> account
    When the user creates a "<type>" sync config from <source> to <destination>
    Then the answer is a 422 problem naming "<field>"

    Examples:
      | type           | source | destination | field                   |
      | sleep          | Polar  | Strava      | destinationConnectionId |
      | body           | Strava | Garmin      | sourceConnectionId      |
      | daily_activity | Oura   | Garmin      | destinationConnectionId |
      | workouts       | Garmin | Polar       | destinationConnectionId |
      | workouts       | Strava | Oura        | destinationConnectionId |

  Scenario Outline: a <type> config from <source> to <destination> is made
    Given the user connected their <source> account
    And the user connected their <destination> account
    When the user creates a "<type>" sync config from <source> to <destination>
    Then the answer is 201 with the config's type "<type>"

    Examples:
      | type     | source | destination |
      | sleep    | Oura   | Garmin      |
      | sleep    | Polar  | Garmin      |
      | workouts | Oura   | Strava      |

  Scenario: a filter that a data type's records cannot be filtered on is refused
    Given the user connected their Oura account
    And the user connected their Garmin account
    When the user creates a "sleep" sync config from Oura to Garmin filtered on "activityTypes"
    Then the answer is a 422 problem naming "filters.activityTypes"
