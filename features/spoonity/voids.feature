@spoonity
Feature: Cancelled orders are voided, in the order they were created
  An order cancelled after it was submitted (a mistake, a missing item, a complaint) is voided
  with DELETE /order and its receipt, which reverts the loyalty changes it made; orders are
  voided in the order they were created, for each customer, for each location.
  (seed 004_7f08c84967b62591.txt, "Void an order")

  Background:
    Given a known customer with 240 points and 25.00 on their gift card

  @REQ:SPOON-VOID-01
  Scenario Outline: A voided order is voided in Spoonity, which reverts its points and payments
    Given the customer placed an order with the reward "discount_free_coffee", paid <paid>
    When the staff voids <how>
    Then the order was voided with DELETE /order and its receipt number
    And Spoonity reverted its loyalty changes: the customer's points and gift card are as before the order
    And the integration shows the order voided

    Examples:
      | paid                 | how                                  |
      | by card              | it from another till of the merchant |
      | with their gift card | the order                            |

  @REQ:SPOON-VOID-02
  Scenario Outline: A customer's orders are voided in the order they were created, whatever order they are picked in
    Given the customer placed 3 orders at the same till
    When the staff voids them all, picking them <picked>
    Then the voids went out in the order the orders were created, for each customer at each location

    Examples:
      | picked           |
      | newest first     |
      | middle one first |

  @REQ:SPOON-VOID-02
  Scenario: Orders of two customers are voided in creation order for each of them
    Given two customers placed two orders each at the same till, in turn
    When the staff voids them all, picking them newest first
    Then the voids went out in the order the orders were created, for each customer at each location

  @REQ:SPOON-VOID-02
  Scenario: A customer checked in by email, then by card number, is one customer
    Given the customer placed two orders at the same till, checking in by email, then by card number
    When the staff voids them all, picking them newest first
    Then the voids went out in the order the orders were created, for each customer at each location
