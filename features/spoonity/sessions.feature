@spoonity
Feature: Spent POS sessions are closed when the merchant turned automatic clean-up off
  Spoonity usually closes the POS sessions opened at check-in in the background; a merchant can
  turn that off in the dashboard, and then the application closes spent sessions itself with
  DELETE /onscreen: after the order, when the customer leaves without ordering, and when the
  customer is checked in again.
  (seed 004_7f08c84967b62591.txt, "Order cleanup", "Close POS session")

  Background:
    Given a known customer with 240 points and 25.00 on their gift card
    And the merchant has turned automatic session clean-up off

  @REQ:SPOON-SESSION-01
  Scenario: The session of a customer who ordered is closed
    Given the customer checked in with their email
    When the customer orders a product and pays by card
    Then every POS session the integration opened was closed with DELETE /onscreen

  @REQ:SPOON-SESSION-01
  Scenario: The session of a customer who leaves without ordering is closed
    Given the customer checked in with their email
    When the customer leaves without ordering
    Then every POS session the integration opened was closed with DELETE /onscreen

  @REQ:SPOON-SESSION-01
  Scenario: A customer checked in twice leaves no session open
    Given the customer checked in with their card number
    When the customer checks in with their email
    And the customer orders a product and pays by card
    Then every POS session the integration opened was closed with DELETE /onscreen
