@pongo
Feature: Rules every platform shares: schema, errors, credentials
  Every request matches the platform's schema (Pongo publishes none: ours, with its assumptions
  marked); platform errors, time-outs and 5xx are survived without losing or doubling a paid
  order; credentials travel only where the platform expects them (for Pongo, a Bearer token in
  the Authorization header), never reach logs, output, files, messages or receipts, on success or
  failure, and each merchant's token reaches only its data. (../shared/requirements.md, "Every platform")

  Background:
    Given the merchant has connected the integration and mapped its locations
    And a known customer with the phone number "32470123456" and 500 points

  @REQ:ALL-SCHEMA-01
  Scenario: Every request of a whole visit matches the platform's schema
    Given the merchant's free product reward lists the SKUs "{ours:1}"
    And the customer has bought that reward and typed the phone number "32470123456"
    When the reward is added to the order
    And the customer orders 2 products and pays by card
    And a new customer enlists with the phone number "32478112233" answering yes to email and no to SMS
    And the customer orders a product and pays by card
    Then every request the integration sent matches the platform's schema

  @REQ:ALL-SCHEMA-01 @runs-last
  Scenario: No request of the whole certification breaks the platform's schema
    When every other scenario of the certification has run
    Then no request the integration sent in any scenario broke the platform's schema

  @REQ:ALL-ERR-01
  Scenario Outline: A paid order survives the platform failing, and is sent once
    Given the customer typed the phone number "32470123456"
    And the platform will answer the next "create order" with <failure>
    When the customer orders a product and pays by card
    Then the order is paid
    And the customer was told of the failure, unless the integration got past it
    When the integration retries what it could not send
    Then the platform holds exactly one order for it, as paid
    And every attempt to send it used the same order id

    Examples:
      | failure                                   |
      | a 503                                     |
      | a 500                                     |
      | a 429                                     |
      | a time-out                                |
      | a time-out after processing it            |
      | a dropped connection after processing it  |

  @REQ:ALL-ERR-01
  Scenario Outline: The platform failing during a loyalty step is told, nothing is done twice, and the order goes on
    Given the customer typed the phone number "32470123456"
    And the customer has already bought a reward
    And the platform will answer the next "<operation>" with <failure>
    When <the customer acts>
    Then the customer was told of the failure, unless the integration got past it
    And the platform carried it out no more than once
    When the customer orders a product and pays by card
    Then the order is paid

    Examples:
      | operation             | failure                                  | the customer acts                                                                                 |
      | get customer by phone | a 503                                    | the customer types the phone number "32470123456"                                                 |
      | get customer          | a dropped connection                     | the customer scans their digital pass                                                             |
      | create customer       | a time-out after processing it           | a new customer enlists with the phone number "32478112233" answering yes to email and no to SMS |
      | buy reward            | a dropped connection after processing it | the customer redeems the cheapest reward                                                          |
      | list won rewards      | a 429                                    | the reward is added to the order                                                                  |

  @REQ:ALL-ERR-01 @needs:product_catalog
  Scenario: A reward confirmed after payment is confirmed once the platform is back
    Given the merchant's free product reward lists the SKUs "{ours:1}"
    And the customer has bought that reward and typed the phone number "32470123456"
    And the platform will answer the next "use reward" with a 503
    When the reward is added to the order
    And the customer pays by card
    Then the customer was told of the failure, unless the integration got past it
    When the integration retries what it could not send
    Then the platform holds exactly one order for it, as paid
    And a reward the integration set out to confirm is used in Pongo

  @REQ:ALL-SEC-01
  Scenario: Credentials travel only where the platform expects them and stay out of logs and receipts
    Given the customer typed the phone number "32470123456"
    When the customer orders a product and pays by card
    Then no request carried a credential where the platform does not expect it
    And no credential is in the integration's logs, output, files, customer messages or receipt

  @REQ:ALL-SEC-01
  Scenario: Credentials stay out of what the integration shows and writes when the platform fails
    Given the platform will answer the next "get customer by phone" with a 503
    And the platform will answer the next "create order" with a 500
    When the customer types the phone number "32470123456"
    And the customer orders a product and pays by card
    Then no credential is in the integration's logs, output, files, customer messages or receipt

  @REQ:ALL-SEC-01
  Scenario: Each merchant's token reaches only that merchant's data
    Given a second merchant has connected the integration and mapped a location
    When a customer of the second merchant identifies at the second merchant's location
    And the customer orders a product and pays by card
    And a customer of the first merchant identifies at the first merchant's location
    And the customer orders a product and pays by card
    Then every call was made with the credentials of the merchant that owns the location

  @REQ:ALL-SEC-01 @runs-last
  Scenario: No request of the whole certification carries a credential where the platform does not expect it
    When every other scenario of the certification has run
    Then no request the integration sent in any scenario carried a credential where the platform does not expect it
