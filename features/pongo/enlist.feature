@pongo
Feature: New customers enlist and give their opt-in answers
  A new customer can enlist from the kiosk or the POS, with POST/PATCH customer or with the
  customer's data on POST create order. On enlist it is mandatory to ask for the email and SMS
  opt-in; the answers go in has_optin (and the channel fields) of the customer or of the order,
  and no answer is never sent as consent.
  (seeds 000_2fa6b209850d95a1.txt, 001_8645df5950007ff4.txt)

  Background:
    Given the merchant has connected the integration and mapped its locations

  @REQ:PONGO-ENLIST-01
  Scenario: A new customer enlists with their phone number
    When a new customer enlists with the phone number "+32 478 11 22 33" answering yes to email and yes to SMS
    And the customer orders a product and pays by card
    Then Pongo has a customer with the phone number "32478112233"
    And that customer earned the points of the order

  @REQ:PONGO-OPTIN-01
  Scenario Outline: The opt-in answers are sent as given
    The guides name has_optin alone; Pongo's API reference has a boolean per channel. Both are
    accepted, on the customer or on the order (at its top level or in its customer). What has_optin
    means next to two channels is not said: with the channel fields it may sum them up either way
    (consent to one, or to both); alone, it covers both, so it is consent only when the customer
    accepted both. A question the customer skipped is neither consent nor refusal: nothing is sent.

    When a new customer enlists with the phone number "32478112233" answering <email> to email and <sms> to SMS
    And the customer orders a product and pays by card
    Then Pongo has a customer with the phone number "32478112233"
    And Pongo recorded the email opt-in as <email> and the SMS opt-in as <sms>
    And no request sent an answer the customer did not give

    Examples:
      | email     | sms       |
      | yes       | yes       |
      | yes       | no        |
      | no        | no        |
      | no answer | no answer |
      | yes       | no answer |

  @REQ:PONGO-OPTIN-01
  Scenario: The next customer's opt-in answers are their own
    The opt-in is asked of each customer who enlists: answers given by the customer before are not
    theirs, so questions the next customer skips are sent as nothing.

    When a new customer enlists with the phone number "32478112233" answering yes to email and yes to SMS
    And the next customer starts an order
    And a new customer enlists with the phone number "32478445566" answering no answer to email and no answer to SMS
    And the customer orders a product and pays by card
    Then Pongo has a customer with the phone number "32478445566"
    And Pongo recorded the email opt-in as no answer and the SMS opt-in as no answer
