@pongo
Feature: Closed and paid orders are sent to Pongo, once
  Pongo attributes points to an order once it is closed: each order successfully paid is sent
  with POST create order, once, at the amount paid, with the customer who identified; unpaid,
  declined, abandoned or cancelled orders never are. A reward used is confirmed by its reward_id
  in the order's lines or with PATCH use a reward, and only once the order is paid. When payment
  is handed to an external system, the customer is warned before choosing that the rewards it
  cannot take will be removed, and the order is sent only after that system confirms it was closed.
  (seeds 000_2fa6b209850d95a1.txt, 001_8645df5950007ff4.txt)

  Background:
    Given the merchant has connected the integration and mapped its locations
    And a known customer with the phone number "32470123456" and 500 points

  @REQ:PONGO-ORDER-01
  Scenario Outline: A paid order is sent to Pongo once, at the amount paid, with the customer who identified
    When the customer orders 2 products, <identifying>, and pays by card
    And the customer taps "pay" again
    Then exactly one order was sent to Pongo for it, and Pongo accepted it
    And the order sent has the products ordered and the amount paid
    And Pongo gave the order and its points to the customer who identified, if any

    Examples:
      | identifying                                          |
      | typing their phone number first                      |
      | scanning their digital pass once the products are in |
      | without identifying                                  |

  @REQ:PONGO-ORDER-01
  Scenario: The next customer's order does not go to the customer before
    A POS rings up ticket after ticket: the customer identified on one ticket leaves with it,
    so the next ticket, whose customer does not identify, earns nobody points.

    Given the customer typed the phone number "32470123456"
    When the customer orders a product and pays by card
    And the next customer starts an order
    And the customer orders a product and pays by card
    Then Pongo gave that order to no customer

  @REQ:PONGO-ORDER-01 @needs:product_catalog
  Scenario: A reward leaves the order with the customer who bought it
    Staff may identify the wrong customer first: when another customer identifies, the rewards of the
    first leave the order, so Pongo accepts it for the customer who identified last.

    Given the merchant's free product reward lists the SKUs "{ours:1}"
    And the customer has bought that reward and typed the phone number "32470123456"
    And a known customer with the phone number "32470999888" and 40 points
    And the customer ordered {ours:2}
    When the reward is added to the order
    And the customer types the phone number "32470999888"
    And the customer pays by card
    Then exactly one order was sent to Pongo for it, and Pongo accepted it
    And Pongo gave the order and its points to the customer who identified, if any

  @REQ:PONGO-ORDER-01 @needs:vouchers
  Scenario: An order paid with a voucher is sent at the amount paid, after the discount
    Given the merchant has a voucher_percentage reward worth 10
    And the customer has bought that reward and typed the phone number "32470123456"
    And the customer ordered {ours:1}
    When the reward is added to the order
    And the customer pays by card
    Then exactly one order was sent to Pongo for it, and Pongo accepted it
    And the order sent has the amount paid

  @REQ:PONGO-ORDER-02
  Scenario Outline: An order that is not paid is never sent
    Given the customer typed the phone number "32470123456"
    When the customer orders a product and <what happens>
    Then no order was sent to Pongo

    Examples:
      | what happens              |
      | the payment is declined   |
      | the payment is abandoned  |
      | the order is cancelled    |

  @REQ:PONGO-ORDER-02
  Scenario: A declined payment paid again is sent once, as paid
    Given the customer typed the phone number "32470123456"
    When the customer orders a product and the payment is declined
    And the customer pays by card
    Then exactly one order was sent to Pongo for it, and Pongo accepted it
    And every order sent to Pongo was paid

  @REQ:PONGO-ORDER-03 @needs:product_catalog
  Scenario: A free product reward is confirmed as used once the order is paid, not before
    Given the merchant's free product reward lists the SKUs "{ours:1}"
    And the customer has bought that reward and typed the phone number "32470123456"
    When the reward is added to the order
    And the payment is declined
    Then Pongo still shows the reward available to the customer
    When the customer pays by card
    Then the reward was confirmed as used in the order
    And Pongo shows the reward as used

  @REQ:PONGO-ORDER-03 @needs:vouchers
  Scenario: A voucher reward used in an order is confirmed
    Given the merchant has a voucher_amount reward worth 300
    And the customer has bought that reward and typed the phone number "32470123456"
    And the customer ordered {ours:1}
    When the reward is added to the order
    And the customer pays by card
    Then the reward was confirmed as used in the order
    And Pongo shows the reward as used

  @REQ:PONGO-ORDER-04 @needs:product_catalog
  Scenario: The customer is warned before choosing to pay at the counter that a free product will be removed
    Given the merchant's free product reward lists the SKUs "{ours:1}"
    And the customer has bought that reward and typed the phone number "32470123456"
    And the customer ordered {ours:2}
    When the reward is added to the order
    Then the customer is told, before choosing how to pay, that the reward will be removed unless they pay here
    When the customer chooses to pay at the counter
    Then the order handed to the counter holds no reward

  @REQ:PONGO-ORDER-04 @needs:vouchers
  Scenario: The customer is warned before choosing to pay at the counter that a voucher will be removed
    Given the merchant has a voucher_amount reward worth 300
    And the customer has bought that reward and typed the phone number "32470123456"
    And the customer ordered {ours:2}
    When the reward is added to the order
    Then the customer is told, before choosing how to pay, that the reward will be removed unless they pay here
    When the customer chooses to pay at the counter
    Then the order handed to the counter holds no reward

  @REQ:PONGO-ORDER-05
  Scenario: An order handed to the counter is not sent without its confirmation, nor when the counter cancels it
    Given the customer typed the phone number "32470123456"
    When the customer orders a product and chooses to pay at the counter
    And the integration retries what it could not send
    Then no order was sent to Pongo
    When the counter reports the order was cancelled
    And the integration retries what it could not send
    Then no order was sent to Pongo

  @REQ:PONGO-ORDER-05
  Scenario: An order handed to the counter is sent once the counter confirms it closed, even after the next customer
    Given the customer typed the phone number "32470123456"
    When the customer orders a product and chooses to pay at the counter
    And the next customer starts an order
    And the counter confirms the order was paid and closed
    And the integration retries what it could not send
    Then exactly one order was sent to Pongo for it, and Pongo accepted it
    And every order sent to Pongo was paid
