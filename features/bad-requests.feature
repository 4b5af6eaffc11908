Feature: Bad requests are refused at the edge
  Every malformed, unauthenticated or foreign request gets a clear 4xx as RFC 9457 problem JSON,
  and nothing is queued.

  Background:
    Given a user syncing Strava to Garmin with the "source_wins" strategy

  Scenario Outline: A sync request <request> is refused
    When the user sends a sync request <request>
    Then the answer is a <status> problem
    And nothing was queued

    Examples:
      | request                                  | status |
      | without an Idempotency-Key               | 400    |
      | with a 256-character Idempotency-Key     | 400    |
      | with unknown body fields                 | 400    |
      | with malformed JSON                      | 400    |
      | for another user's sync config           | 404    |
      | for an unknown sync config               | 404    |
      | without a bearer token                   | 401    |
      | with a forged bearer token               | 401    |
      | with a bearer token whose header is null | 401    |
      | with an unsigned alg none bearer token   | 401    |
      | for a 2,000-character sync config id     | 404    |

  Scenario: The same Idempotency-Key on a different request is refused
    When the user asks for a sync with Idempotency-Key "shared-key"
    And the user asks to sync another config with Idempotency-Key "shared-key"
    Then the answer is a 422 problem
    And nothing was queued

  Scenario Outline: A sync config <body> is refused
    When the user creates a sync config <body>
    Then the answer is a <status> problem

    Examples:
      | body                              | status |
      | from a connection to itself       | 422    |
      | with an unknown strategy          | 400    |
      | for steps                         | 400    |
      | with another user's connection    | 422    |
      | with a number for a connection id | 400    |
