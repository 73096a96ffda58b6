@spoonity
Feature: Paying with the gift card or with Loyalty Pay
  A gift card payment is a separate POST /order that debits the customer's gift card balance (a
  negative amount), reconciled against the order; Loyalty Pay converts points to cash through
  POST /order/payments/loyalty. Either may be refused when the balance runs short.
  Both are MAYs: they apply to integrations that declare `gift_card` or `loyalty_pay`.
  (seed 004_7f08c84967b62591.txt, "Applying payments")

  Background:
    Given a known customer with 240 points and 25.00 on their gift card

  @REQ:SPOON-PAY-01 @needs:gift_card
  Scenario: A gift card payment is a debit of the order's total, after its rewards
    Given the customer checked in with their email
    When the customer orders a coffee and another product
    And the customer redeems the reward "5_dollar_off"
    And the customer pays with their gift card
    Then a gift card debit of the order's total was sent with POST /order, as a negative amount

  @REQ:SPOON-PAY-01 @needs:gift_card
  Scenario: A gift card that does not hold enough leaves the order open, and the customer can pay by card
    Given the customer's gift card holds 2.00
    And the customer checked in with their email
    And the customer ordered a product
    When the customer pays with their gift card
    Then the order stays open, and the customer is told why
    And Spoonity took nothing from the customer's gift card
    When the customer pays by card
    Then the order is paid

  @REQ:SPOON-PAY-02 @needs:loyalty_pay
  Scenario: Loyalty Pay converts points to the order's total, after its rewards
    Given the customer checked in with their card number
    When the customer orders a coffee and another product
    And the customer redeems the reward "discount_free_coffee"
    And the customer pays with Loyalty Pay
    Then a Loyalty Pay payment of the order's total was sent with POST /order/payments/loyalty

  @REQ:SPOON-PAY-02 @needs:loyalty_pay
  Scenario: Loyalty Pay without enough points leaves the order open, and the customer can pay by card
    Given the customer holds 10 points
    And the customer checked in with their email
    And the customer ordered a product
    When the customer pays with Loyalty Pay
    Then the order stays open, and the customer is told why they lack points
    And Spoonity took none of the customer's points
    When the customer pays by card
    Then the order is paid
