@pongo
Feature: New customers enlist and give their opt-in answers
  A new customer can enlist from the kiosk or the POS. On enlist it is mandatory to ask
  for the email and SMS opt-in; the answers go in has_optin (and the channel fields) of
  the customer or of the order, and no answer is never sent as consent.
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
    When a new customer enlists with the phone number "32478112233" answering <email> to email and <sms> to SMS
    And the customer orders a product and pays by card
    Then Pongo recorded the email opt-in as <email> and the SMS opt-in as <sms>
    And no request sent a consent the customer did not give

    Examples:
      | email     | sms       |
      | yes       | yes       |
      | yes       | no        |
      | no        | yes       |
      | no        | no        |
      | no answer | no answer |
      | yes       | no answer |
