Feature: The sync log, filters and resync through the control API (SPEC §13, §15)
  A user reads what SyncWell decided about each record of their own sync config, newest first and
  a page at a time, and can ask for one record to be synced again. Bad input is refused with a
  problem that says what was wrong, and nothing of another user's config is shown or synced.

  Background:
    Given a user syncing Strava to Garmin with the "source_wins" strategy

  Scenario: A sync config keeps its filters and whether it syncs private activities
    When the user changes the sync config to:
      """
      {"syncPrivate": true, "filters": {"activityTypes": ["run", "ride"], "excludeNameContains": ["zwift"], "minDurationSeconds": 300}}
      """
    Then the sync config reads back with:
      """
      {"syncPrivate": true, "filters": {"activityTypes": ["run", "ride"], "excludeNameContains": ["zwift"], "minDurationSeconds": 300}}
      """

  Scenario Outline: A filter SyncWell does not know is refused, naming the field
    When the user asks for a sync config with the filters <filters>
    Then the answer is a 422 problem naming "<field>"
    When the user changes the sync config's filters to <filters>
    Then the answer is a 422 problem naming "<field>"

    Examples:
      | filters                               | field                      |
      | {"colour": "red"}                     | filters.colour             |
      | {"activityTypes": ["run", "yoga"]}    | filters.activityTypes[1]   |
      | {"minDurationSeconds": -1}            | filters.minDurationSeconds |
      | {"excludeNameContains": ["zwift", ""]} | filters.excludeNameContains[1] |

  Scenario: A sync's decisions page newest first, each record once
    Given the user recorded 5 workouts on Strava
    And the user synced
    When the user reads the sync log 2 entries at a time
    Then it took 3 pages
    And the log lists each Strava workout once, written with reason "new" by the last job, with its copy's id
    And the entries come newest first

  Scenario: The newest job's decisions come first
    Given the user recorded 2 workouts on Strava
    And the user synced
    And the user recorded 1 workout on Strava
    And the user synced
    When the user reads the sync log 1 entry at a time
    Then the first entry is the last workout's, from the last job
    And the entries come newest first

  Scenario Outline: Reading the log <how> is refused
    Given the user recorded 3 workouts on Strava
    And the user synced
    When the user tries to read the sync log <how>
    Then the answer is a <status> problem

    Examples:
      | how                                  | status |
      | with a cursor that was tampered with | 400    |
      | with a cursor of another sync config | 400    |
      | with a limit of 0                    | 400    |
      | with a limit of 101                  | 400    |
      | of another user's sync config        | 404    |
      | of an unknown sync config            | 404    |

  Scenario: A resync is one job per Idempotency-Key, and the log shows it
    Given the user recorded 1 workout on Strava
    And the user synced
    When the user asks to resync the workout with Idempotency-Key "again-1"
    And the user asks to resync the workout with Idempotency-Key "again-1" again
    Then both resync answers carry the same job id, which succeeds
    And the sync log's newest entry is the workout's, from the resync

  Scenario Outline: A resync of <what> is refused and nothing is queued
    Given the user recorded 1 workout on Strava
    And the user synced
    When the user requests a resync of <what>
    Then the answer is a <status> problem
    And nothing was queued

    Examples:
      | what                                        | status |
      | a workout the sync config never handled     | 404    |
      | the workout of another user's sync config   | 404    |
      | a 200-character record id                   | 404    |
      | the workout without an Idempotency-Key      | 400    |
      | the workout with the key of an earlier sync | 422    |
