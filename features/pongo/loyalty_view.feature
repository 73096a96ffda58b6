@pongo
Feature: Identified customers see their loyalty programme and redeem rewards
  An identified customer sees their points balance (GET customer), the merchant's rewards
  (GET rewards) and, apart from them, the rewards they already purchased (GET rewards won
  by a customer). They can redeem a reward (POST buy a reward), after which the view is
  refreshed. (seeds 000_2fa6b209850d95a1.txt, 001_8645df5950007ff4.txt)

  Background:
    Given the merchant has connected the integration and mapped its locations
    And a known customer with the phone number "32470123456" and 250 points

  @REQ:PONGO-VIEW-01
  Scenario: The customer sees their points balance
    When the customer types the phone number "32470123456"
    Then the loyalty screen shows a balance of 250 points

  @REQ:PONGO-VIEW-02
  Scenario: The customer sees the rewards the merchant offers them
    Rewards may be limited to some customers and to some stores: one valid only at another of
    the merchant's stores is not offered where the customer is.

    Given the merchant has a reward valid only at another of its stores
    When the customer types the phone number "32470123456"
    Then the integration asked Pongo for the rewards of that customer
    And the loyalty screen lists exactly the rewards Pongo offers that customer

  @REQ:PONGO-VIEW-03
  Scenario: Purchased rewards are shown apart from the others
    Purchased rewards are those still to use: one the customer bought and already used in an order
    is no longer theirs to add.

    Given the customer has already bought a reward
    And the customer has already bought and used another reward
    When the customer types the phone number "32470123456"
    Then the loyalty screen shows the purchased reward apart from the merchant's rewards
    And the loyalty screen does not show the reward already used

  @REQ:PONGO-REDEEM-01
  Scenario: Redeeming a reward refreshes the loyalty view
    Given the customer typed the phone number "32470123456"
    When the customer redeems the cheapest reward
    Then Pongo recorded the purchase of that reward for the customer
    And the loyalty screen shows the purchased reward and the balance left

  @REQ:PONGO-REDEEM-01
  Scenario: A reward the customer cannot afford is refused with a message
    Given the customer typed the phone number "32470123456"
    When the customer tries to redeem a reward that costs more than their balance
    Then the customer is told they do not have enough points
    And the loyalty screen shows a balance of 250 points
