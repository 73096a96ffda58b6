@spoonity
Feature: The full reward list comes from the perk list, not from the session's eligible list
  GET /onscreen returns only the rewards the customer is eligible for; where the application
  needs every reward of the merchant, it reads GET /vendor/perk/redemption/list instead.
  (seed 004_7f08c84967b62591.txt, "Retrieve customer details from session")

  Background:
    Given a known customer with 240 points and 25.00 on their gift card

  @REQ:SPOON-REW-01
  Scenario: Every reward is listed, for a customer who can afford many and for the next, who can afford none
    When the customer checks in with their email
    And the integration shows every reward of the merchant
    Then every reward of the merchant is listed, those the customer cannot afford too
    And only the rewards the customer can afford are offered for redemption
    When the next customer, who holds 0 points, checks in with their email
    And the integration shows every reward of the merchant
    Then every reward of the merchant is listed, those the customer cannot afford too
    And only the rewards the customer can afford are offered for redemption

  @REQ:SPOON-REW-01
  Scenario: A reward that costs exactly the customer's points is offered for redemption
    Given the customer holds 100 points
    When the customer checks in with their email
    And the integration shows every reward of the merchant
    Then every reward of the merchant is listed, those the customer cannot afford too
    And only the rewards the customer can afford are offered for redemption
