@spoonity
Feature: Customers are checked in with a POS session, and see their details, balances and rewards
  Identifying the customer is a necessary step of every order: POST /onscreen creates a POS
  session from the card number, email, phone or the barcode of the merchant's app, before the
  order is submitted; GET /onscreen with the session's pos_session_hash returns the customer's
  details, balances and the rewards they are eligible for, which the customer is shown.
  (seed 004_7f08c84967b62591.txt, "Checking a customer in")

  Background:
    Given a known customer with 240 points and 25.00 on their gift card

  @REQ:SPOON-ID-01
  Scenario Outline: A customer is checked in with any identifier Spoonity takes, before the order is submitted
    When the customer checks in with their <identifier>
    And the customer orders a product and pays by card
    And the customer comes back for another order
    And the customer checks in with their <identifier>
    And the customer orders a product and pays by card
    Then the customer was checked in with POST /onscreen before each order was submitted
    And the loyalty screen shows that customer

    Examples:
      | identifier                   |
      | email                        |
      | card number                  |
      | phone number as they type it |
      | app's barcode                |

  @REQ:SPOON-ID-01
  Scenario: An identifier no customer has shows no customer, not even the one checked in before
    Given the customer checked in with their email
    When the customer checks in with an email no customer has
    Then the loyalty screen shows no customer and tells the customer so
    When the customer orders a product and pays by card
    Then no order was submitted to Spoonity

  @REQ:SPOON-ID-02
  Scenario Outline: The customer sees their details, points and the rewards they can afford, read from the session
    Given the customer holds <points> points
    When the customer checks in with their <identifier>
    Then the integration read each POS session with GET /onscreen
    And the loyalty screen shows the customer's name, points balance and the rewards they can afford

    Examples:
      | points | identifier    |
      | 240    | email         |
      | 30     | app's barcode |
