@pongo
Feature: Customers identify with their phone number or their digital pass
  A customer identifies with their phone number on any integration, or by scanning the
  QR code of their digital pass, which carries their public id (cust_...). A POS keeps
  its customer base in sync through the customer.created webhook, and takes only events
  Pongo signed, now.
  (seeds 000_2fa6b209850d95a1.txt, 001_8645df5950007ff4.txt)

  Background:
    Given the merchant has connected the integration and mapped its locations
    And a known customer with the phone number "32470123456" and 120 points

  @REQ:PONGO-ID-01
  Scenario Outline: A customer is identified by the phone number as they type it
    Customers type their number as they know it: international, or national at a store of their
    own country. Pongo keeps it in international digits; the merchant has stores in Belgium and in
    France. Any way of finding the customer in Pongo counts: by phone, in the customer list filtered
    by phone, or in a customer base the integration keeps in sync and then by public id.

    Given a known customer with the phone number "<number>" and 120 points
    And the customer is at the merchant's store in <country>
    When the customer types the phone number "<typed>"
    Then the integration read that customer from Pongo
    And the loyalty screen shows that customer

    Examples:
      | number      | country | typed             |
      | 32470123456 | Belgium | +32 470 12 34 56  |
      | 32470123456 | Belgium | 0032 470 12.34.56 |
      | 32470123456 | Belgium | 0470 12-34-56     |
      | 32470123456 | Belgium | +32 (0)470 123456 |
      | 33612345678 | France  | 06 12 34 56 78    |
      | 31612345678 | Belgium | +31 6 1234 5678   |

  @REQ:PONGO-ID-01
  Scenario: A number no customer has shows no customer, not even the one identified before
    Given the customer typed the phone number "32470123456"
    When the customer types the phone number "+32 499 00 00 00"
    Then the loyalty screen shows no customer and tells the customer so
    When the customer orders a product and pays by card
    Then Pongo gave that order to no customer

  @REQ:PONGO-ID-02
  Scenario Outline: A customer is identified by scanning their digital pass
    The pass carries the customer's public id; what its code holds around it is not documented,
    so both a bare id and a link ending with it are tried.

    When the customer scans their digital pass, which holds <held>
    Then the integration read that customer from Pongo
    And the loyalty screen shows that customer

    Examples:
      | held                 |
      | their public id      |
      | a link to their pass |

  @REQ:PONGO-ID-02
  Scenario: The pass of another merchant's programme shows no customer
    When the customer scans the digital pass they hold for another merchant
    Then the loyalty screen shows no customer and tells the customer so

  @REQ:PONGO-ID-03
  Scenario: The POS learns of customers enlisted elsewhere through customer.created
    Then the integration subscribed to "customer.created" with an HTTPS URL
    When a customer enlists on another platform connected to the merchant
    Then Pongo delivered "customer.created" to the integration, which accepted it
    And the pass of that customer is recognised when scanned

  @REQ:PONGO-ID-03
  Scenario Outline: An event that is not Pongo's, or not of now, is refused
    Pongo signs each delivery with a Pongo-Signature header: t, the time in unix seconds, and v1, the
    hex HMAC-SHA256 of the body and t. An event Pongo signed an hour ago is a replay: the guides give no
    tolerance, and an hour is beyond any a receiver would allow for clock skew and delivery. An hour
    ahead is as far out of it: a receiver that checks only a signature's age takes it.

    When an event <untrusted> reaches the integration's webhook URL
    Then the integration refuses the event

    Examples:
      | untrusted                    |
      | signed with the wrong secret |
      | with no signature            |
      | with a malformed signature   |
      | signed by Pongo an hour ago  |
      | signed by Pongo an hour from now |
