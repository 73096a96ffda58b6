@punchh
Feature: Rules every platform shares: schema, errors, credentials
  Every request matches Punchh's schema (its published POS, Redemptions 2.0 and Advanced
  Authentication documents, with our assumptions marked); platform errors, time-outs and 5xx are
  survived without losing or doubling a paid order; credentials travel only where Punchh expects
  them (the store's key pair in the Authorization header, the x-pch-digest signature on Advanced
  Authentication calls) and never reach logs, output, files, messages or receipts.
  (../shared/requirements.md, "Every platform")

  Background:
    Given a known guest with points and rewards

  @REQ:ALL-SCHEMA-01
  Scenario: Every request of a whole visit matches the platform's schema
    Given the guest gave their phone number
    When the guest orders 2 products
    And the guest chooses the "$2 Off Your Order" reward
    And the discounts are applied to the order
    And the guest pays by card
    And the next guest orders a product without identifying and pays by card
    Then every request the integration sent matches the platform's schema

  @REQ:ALL-SCHEMA-01 @runs-last
  Scenario: No request of the whole certification breaks the platform's schema
    When every other scenario of the certification has run
    Then no request the integration sent in any scenario broke the platform's schema

  @REQ:ALL-ERR-01
  Scenario Outline: A paid order survives the platform failing, and is checked in once
    Given the guest gave their phone number
    And the platform will answer the next "check-in" with <failure>
    When the guest orders a product and pays by card
    Then the order is paid
    And the customer was told of the failure, unless the integration got past it
    When the integration retries what it could not send
    Then the platform holds exactly one order for it, as paid
    And every attempt to send it used the same order id
    And every attempt to check it in carried the same check, with the Punchh key its receipt prints

    Examples:
      | failure                                   |
      | a 503                                     |
      | a 500                                     |
      | a 429                                     |
      | a time-out                                |
      | a time-out after processing it            |
      | a dropped connection after processing it  |

  @REQ:ALL-ERR-01
  Scenario: Redemptions whose commit the platform failed are committed when the integration retries
    Given the guest gave their phone number
    When the guest orders 2 products
    And the guest chooses the "$2 Off Your Order" reward
    And the discounts are applied to the order
    And the platform will answer the commit of the redemptions with a 503
    And the guest pays by card
    Then the order is paid
    And the customer was told of the failure, unless the integration got past it
    When the integration retries what it could not send
    Then the commit Punchh failed was sent again for the same check when the integration retried
    And the platform carried it out no more than once

  @REQ:ALL-ERR-01
  Scenario Outline: The platform failing during a loyalty step is told, nothing is done twice, and the order goes on
    Given the platform will answer the next "<operation>" with <failure>
    When <the guest acts>
    Then the customer was told of the failure, unless the integration got past it
    And the platform carried it out no more than once
    When the guest orders a product and pays by card
    Then the order is paid

    Examples:
      | operation             | failure                                  | the guest acts                                       |
      | user look-up          | a 503                                    | the guest gives their phone number                   |
      | send OTP              | a dropped connection                     | the guest asks for a one-time password by email      |
      | discount look-up      | a 500                                    | the guest gives their phone number and looks at the discounts for 2 products |
      | add to discount basket | a time-out after processing it          | the guest gives their phone number and chooses the "$2 Off Your Order" reward for 2 products |
      | batch redemption      | a 429                                    | the guest gives their phone number and applies the "$2 Off Your Order" reward to 2 products |

  @REQ:ALL-SEC-01
  Scenario: Credentials travel only where the platform expects them and stay out of logs and receipts
    Given the guest gave their phone number
    When the guest orders a product and pays by card
    Then no request carried a credential where the platform does not expect it
    And no credential is in the integration's logs, output, files, customer messages or receipt

  @REQ:ALL-SEC-01
  Scenario: Credentials stay out of what the integration shows and writes when the platform fails
    Given the platform will answer the next "user look-up" with a 503
    And the platform will answer the next "check-in" with a 500
    When the guest gives their phone number
    And the guest gives their phone number again
    And the guest orders a product and pays by card
    Then no credential is in the integration's logs, output, files, customer messages or receipt

  @REQ:ALL-SEC-01 @runs-last
  Scenario: No request of the whole certification carries a credential where the platform does not expect it
    When every other scenario of the certification has run
    Then no request the integration sent in any scenario carried a credential where the platform does not expect it
