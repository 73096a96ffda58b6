@spoonity
Feature: The whole order is submitted once, after it is resolved, and a rejected order is handled
  Once the order is completed and resolved in the partner's system (payment included), it is
  submitted with POST /order, whole: receipt number, till, subtotal (the only amount points are
  earned on), taxes, total, payment method, date, cashier, line items and discounts, each reward a
  discount naming its spending rule. A submitted order is immutable: a redemption may be refused
  (not enough balance, for example) and the application must handle it: the customer is told, the
  order is not submitted again unchanged, and nothing is lost.
  (seed 004_7f08c84967b62591.txt, "Submitting the loyalty order")

  Background:
    Given a known customer with 240 points and 25.00 on their gift card

  @REQ:SPOON-ORDER-01
  Scenario Outline: A paid order is submitted once, whole, with the products ordered and the amount paid
    When the customer orders 2 products, one with all its options, <checking in>, and pays by card
    And the customer taps "pay" again
    Then exactly one order was submitted to Spoonity for it, and Spoonity took it
    And the order submitted is whole: receipt number, till, subtotal, taxes, total, payment method, date, cashier, line items and discounts
    And its line items are the products ordered, with their options, at their prices
    And its total is the amount paid, and its subtotal that amount before taxes

    Examples:
      | checking in                                         |
      | checking in with their email first                  |
      | checking in with their card number once the products are in |

  @REQ:SPOON-ORDER-01
  Scenario Outline: Each reward is a discount naming its spending rule, and points are earned on what was paid
    Given the customer checked in with their email
    When the customer orders a coffee and another product
    And the customer redeems the reward "<reward>"
    And the customer pays by card
    Then exactly one order was submitted to Spoonity for it, and Spoonity took it
    And each reward redeemed is a discount naming its spending rule, and Spoonity redeemed it
    And its total is the amount paid, and its subtotal that amount before taxes

    Examples:
      | reward               |
      | discount_free_coffee |
      | 5_dollar_off         |

  @REQ:SPOON-ORDER-01
  Scenario Outline: An order that is not paid is never submitted
    Given the customer checked in with their email
    When the customer orders a product and <what happens>
    Then no order was submitted to Spoonity

    Examples:
      | what happens             |
      | the payment is declined  |
      | the payment is abandoned |
      | the order is cancelled   |

  @REQ:SPOON-ORDER-01
  Scenario: A declined payment paid again is submitted once, as paid
    Given the customer checked in with their email
    When the customer orders a product and the payment is declined
    And the customer pays by card
    Then exactly one order was submitted to Spoonity for it, and Spoonity took it

  @REQ:SPOON-ORDER-01 @needs:gift_card
  Scenario: An order paid by gift card is submitted after the debit is taken
    Given the customer checked in with their email
    And the customer ordered a product
    When the customer pays with their gift card
    Then exactly one order was submitted to Spoonity for it, and Spoonity took it
    And the gift card debit was taken before the order was submitted
    And its total is the amount paid, and its subtotal that amount before taxes

  @REQ:SPOON-ORDER-02
  Scenario Outline: An order whose reward Spoonity refuses is shown, not resubmitted unchanged, and not lost
    Given the customer checked in with their email
    And the customer ordered a coffee and another product
    And the customer redeemed the reward "<reward>"
    When the customer's points are spent elsewhere, leaving 20
    And the customer pays by card
    Then the customer was told Spoonity refused the reward, if it refused the order
    And no refused order was submitted again unchanged
    And the platform holds exactly one order for it, as paid

    Examples:
      | reward               |
      | discount_free_coffee |
      | 5_dollar_off         |
