@spoonity
Feature: Rules every platform shares: schema, errors, credentials
  Every request matches the platform's schema (Spoonity publishes none: ours, with its
  assumptions marked); platform errors, time-outs and 5xx are survived without losing or doubling
  a paid order; credentials travel only where the platform expects them (for Spoonity, the
  location's api_key query parameter), never reach logs, output, files, messages or receipts, on
  success or failure, and each merchant's keys reach only its data. (../shared/requirements.md, "Every platform")

  Background:
    Given a known customer with 240 points and 25.00 on their gift card

  @REQ:ALL-SCHEMA-01
  Scenario: Every request of a whole visit matches the platform's schema
    Given the customer checked in with their email
    When the integration shows every reward of the merchant
    And the customer orders a coffee and another product
    And the customer redeems the reward "discount_free_coffee"
    And the customer pays by card
    And the staff voids the order
    Then every request the integration sent matches the platform's schema

  @REQ:ALL-SCHEMA-01 @runs-last
  Scenario: No request of the whole certification breaks the platform's schema
    When every other scenario of the certification has run
    Then no request the integration sent in any scenario broke the platform's schema

  @REQ:ALL-ERR-01
  Scenario Outline: A paid order survives the platform failing, and is submitted once
    Given the customer checked in with their email
    And the platform will answer the next "submit order" with <failure>
    When the customer orders a product and pays by card
    Then the order is paid
    And the customer was told of the failure, unless the integration got past it
    When the integration retries what it could not send
    Then the platform holds exactly one order for it, as paid
    And every attempt to send it used the same order id

    Examples:
      | failure                                  |
      | a 503                                    |
      | a 429                                    |
      | a time-out after processing it           |
      | a dropped connection after processing it |

  @REQ:ALL-ERR-01
  Scenario Outline: The platform failing during a loyalty step is told, nothing is done twice, and the order goes on
    Given the customer checked in with their email
    And the customer ordered a product
    And the platform will answer the next "<operation>" with <failure>
    When <the customer acts>
    Then the customer was told of the failure, unless the integration got past it
    And the platform carried it out no more than once
    When the customer pays by card
    Then the order is paid

    Examples:
      | operation         | failure                        | the customer acts                                  |
      | check in          | a 503                          | the customer checks in with their card number      |
      | read the session  | a dropped connection           | the customer checks in with their app's barcode    |
      | list every reward | a 429                          | the integration shows every reward of the merchant |

  @REQ:ALL-ERR-01 @needs:loyalty_pay
  Scenario: Loyalty Pay failing is told, points are taken no more than once, and the order goes on
    Given the customer checked in with their email
    And the customer ordered a product
    And the platform will answer the next "loyalty pay" with a time-out after processing it
    When the customer pays with Loyalty Pay
    Then the customer was told of the failure, unless the integration got past it
    And the platform carried it out no more than once
    When the customer pays by card
    Then the order is paid

  @REQ:ALL-ERR-01 @needs:gift_card
  Scenario: A gift card debit failing is told, the card is debited no more than once, and the order goes on
    Given the customer checked in with their email
    And the customer ordered a product
    And the platform will answer the next "submit order" with a time-out after processing it
    When the customer pays with their gift card
    Then the customer was told of the failure, unless the integration got past it
    And the platform carried it out no more than once
    When the customer pays by card
    Then the order is paid

  @REQ:ALL-SEC-01
  Scenario: Credentials travel only where the platform expects them and stay out of logs and receipts
    Given the customer checked in with their email
    When the customer orders a product and pays by card
    Then no request carried a credential where the platform does not expect it
    And no credential is in the integration's logs, output, files, customer messages or receipt

  @REQ:ALL-SEC-01
  Scenario: Credentials stay out of what the integration shows and writes when the platform fails
    Given the platform will answer the next "read the session" with a 503
    And the platform will answer the next "submit order" with a 500
    When the customer checks in with their email
    And the customer checks in with their card number
    And the customer orders a product and pays by card
    Then no credential is in the integration's logs, output, files, customer messages or receipt

  @REQ:ALL-SEC-01
  Scenario: Each merchant's api keys reach only that merchant's data
    When a customer of the second merchant identifies at the second merchant's location
    And the customer orders a product and pays by card
    And a customer of the first merchant identifies at the first merchant's location
    And the customer orders a product and pays by card
    Then every call was made with the credentials of the merchant that owns the location

  @REQ:ALL-SEC-01 @runs-last
  Scenario: No request of the whole certification carries a credential where the platform does not expect it
    When every other scenario of the certification has run
    Then no request the integration sent in any scenario carried a credential where the platform does not expect it
