@punchh
Feature: Redemptions 2.0: looked up and queried before payment, committed only after it
  Query redemptions: after the order is built and the loyalty user is authenticated, and before the
  order is paid, the POS looks up the discounts for the current order (Discount Look-up), adds the
  chosen ones to the discount basket, and runs Batch Redemption with query set to true, which confirms
  the redemptions: the integration adds them to the order as extra line items before it is paid.
  Commit redemptions: after the order has been paid, Batch Redemption with query set to false commits
  them and Punchh removes them from the user's account. (seed 003_170468a4a350bb88.txt)

  Background:
    Given a known guest with points and rewards
    And the guest gave their phone number

  @REQ:PUNCHH-RED-01
  Scenario: Discounts are looked up for the order as built, before it is paid
    When the guest orders 2 products
    And the guest looks at the discounts for the order
    And the guest pays by card
    Then Discount Look-up was called for the order as built, after the guest was identified and before the payment
    And the "$2 Off Your Order" reward is among the discounts shown

  @REQ:PUNCHH-RED-02
  Scenario: The discount the guest chooses, and only it, goes to the discount basket
    When the guest orders 2 products
    And the guest chooses the "$2 Off Your Order" reward
    And the discounts are applied to the order
    And the guest pays by card
    Then the discount basket held exactly the chosen discounts before the payment

  @REQ:PUNCHH-RED-02
  Scenario: Each discount the guest chooses joins the ones already in the basket
    When the guest orders 2 products
    And the guest chooses the "$2 Off Your Order" reward
    And the guest chooses the "Birthday $5" reward
    And the discounts are applied to the order
    And the guest pays by card
    Then the discount basket held exactly the chosen discounts before the payment

  @REQ:PUNCHH-RED-03
  Scenario: The redemptions Punchh confirms are on the order before it is paid, and the guest pays less
    When the guest orders 2 products
    And the guest chooses the "$2 Off Your Order" reward
    And the discounts are applied to the order
    And the guest pays by card
    Then a batch redemption query ran before the payment, for the order as paid
    And the order showed the confirmed redemptions before it was paid, and the guest paid that much less

  @REQ:PUNCHH-RED-03
  Scenario: An order changed after its discounts were applied is queried again before it is paid
    When the guest orders 2 products
    And the guest chooses the "$2 Off Your Order" reward
    And the discounts are applied to the order
    And the guest adds another product to the order
    And the guest pays by card
    Then the order as paid was queried again before its redemptions were committed, and the guest paid that much less

  @REQ:PUNCHH-RED-03
  Scenario: A discount the order does not qualify for is not taken off it
    When the guest orders 2 products
    And the guest chooses the "Free Cookie" reward
    And the discounts are applied to the order
    And the guest pays by card
    Then nothing Punchh did not confirm was taken off the order, and the guest was told

  @REQ:PUNCHH-RED-04
  Scenario: The redemptions are committed once the order is paid, with the receipt that was queried
    When the guest orders 2 products
    And the guest chooses the "$2 Off Your Order" reward
    And the discounts are applied to the order
    And the guest pays by card
    And the guest taps "pay" again
    Then the redemptions were committed once, after the payment, with the receipt that was queried
    And the chosen reward is used up in Punchh


  @REQ:PUNCHH-RED-05
  Scenario Outline: Nothing is committed for an order that is not paid
    Given the guest's account is noted
    When the guest orders 2 products
    And the guest chooses the "$2 Off Your Order" reward
    And the discounts are applied to the order
    And <what happens>
    Then nothing was committed, and the guest keeps every reward and point

    Examples:
      | what happens             |
      | the payment is declined  |
      | the payment is abandoned |
      | the order is cancelled   |

  @REQ:PUNCHH-RED-04
  Scenario: The redemptions of an order paid after a declined payment are committed
    When the guest orders 2 products
    And the guest chooses the "$2 Off Your Order" reward
    And the discounts are applied to the order
    And the payment is declined
    And the guest pays by card
    Then the redemptions taken off the paid order are used up in Punchh

  @REQ:PUNCHH-RED-05
  Scenario: A declined payment commits nothing, even when the guest then pays by card
    When the guest orders 2 products
    And the guest chooses the "$2 Off Your Order" reward
    And the discounts are applied to the order
    And the payment is declined
    And the guest pays by card
    Then nothing was committed between the declined payment and the one that went through
