@pongo
Feature: Customers identify with their phone number or their digital pass
  A customer identifies with their phone number on any integration, or by scanning the
  QR code of their digital pass, which carries their public id (cust_...). A POS keeps
  its customer base in sync through the customer.created webhook.
  (seeds 000_2fa6b209850d95a1.txt, 001_8645df5950007ff4.txt)

  Background:
    Given the merchant has connected the integration and mapped its locations
    And a known customer with the phone number "32470123456" and 120 points

  @REQ:PONGO-ID-01
  Scenario Outline: A customer is identified by the phone number as they type it
    When the customer types the phone number "<typed>"
    Then the integration looked the customer up by phone number
    And the loyalty screen shows that customer

    Examples:
      | typed              |
      | 32470123456        |
      | +32 470 12 34 56   |
      | 0032 470 12.34.56  |
      | 0470 12-34-56      |

  @REQ:PONGO-ID-01
  Scenario: An unknown phone number is not taken for a customer
    When the customer types the phone number "+32 499 00 00 00"
    Then the loyalty screen shows no customer and tells the customer so

  @REQ:PONGO-ID-02
  Scenario: A customer is identified by scanning their digital pass
    When the customer scans their digital pass
    Then the integration looked the customer up by their public id
    And the loyalty screen shows that customer

  @REQ:PONGO-ID-03 @pos
  Scenario: The POS learns of customers enlisted elsewhere through customer.created
    Then the integration subscribed to "customer.created" with an HTTPS URL
    When a customer enlists on another platform connected to the merchant
    Then Pongo delivered "customer.created" to the integration, which accepted it
    And the pass of that customer is recognised when scanned

  @REQ:PONGO-ID-03 @pos
  Scenario: An event with a forged signature is refused
    When an event signed with the wrong secret reaches the integration's webhook URL
    Then the integration refuses the event
