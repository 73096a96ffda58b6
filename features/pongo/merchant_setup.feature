@pongo
Feature: Merchant set-up: connect with Pongo and map the stores
  The merchant connects the partner's software to Pongo on their own, from a button in
  the partner's admin, through Pongo's OAuth2 form, and the connection keeps working as access
  tokens expire; then the partner reads the merchant's stores and maps each of its locations to a
  loyalty_store_slug that every order carries.
  (seeds 000_2fa6b209850d95a1.txt, 001_8645df5950007ff4.txt, 002_4871bd2ef8397452.txt)

  @REQ:PONGO-AUTH-01 @simulator-only
  Scenario: The merchant connects the integration through Pongo's OAuth form
    When the merchant presses "Connect with Pongo" in the partner's admin
    Then the browser opens Pongo's OAuth form for the partner's client with a state and a whitelisted redirect URI
    When the merchant approves the connection on Pongo's form
    Then the integration exchanged the authorization code for tokens once
    And the integration can call Pongo on behalf of the merchant

  @REQ:PONGO-AUTH-01
  Scenario: A callback with a state the integration never issued is refused
    Given the merchant pressed "Connect with Pongo" in the partner's admin
    When a callback arrives with a valid code but a state the integration never issued
    Then the integration refuses the callback
    And no authorization code was exchanged

  @REQ:PONGO-AUTH-01
  Scenario: A callback presenting again the state of a finished connection is refused
    A state ties one callback to one press of the button: once used, a callback presenting it again,
    with another code, was not started by the merchant (a replayed or forged connection).

    Given the merchant pressed "Connect with Pongo" in the partner's admin
    When the merchant approves the connection on Pongo's form
    And a callback arrives with a new code but the state of that connection
    Then the integration refuses the callback
    And the integration exchanged the authorization code for tokens once

  @REQ:PONGO-AUTH-01
  Scenario: The connection keeps working as access tokens expire, without asking the merchant again
    The guides name no way to renew an access token, so every way Pongo's token endpoint takes is
    accepted: the refresh token (rotated at each use, as Passport does) or the merchant's code
    presented again with the documented client_credentials grant. The token expires twice, so a
    second renewal shows whether the first one's new credentials were kept.

    Given the merchant has connected the integration and mapped its locations
    And a known customer with the phone number "32470123456" and 120 points
    And the access token has expired
    When the customer types the phone number "32470123456"
    Then the integration renewed its access without asking the merchant again
    And the loyalty screen shows that customer
    When the access token expires again
    And the customer types the phone number "32470123456"
    Then the integration renewed its access without asking the merchant again
    And the loyalty screen shows that customer

  @REQ:PONGO-STORE-01
  Scenario: The store mapping offers the merchant's Pongo stores as they are now
    Given the merchant has connected the integration
    And the merchant has opened a new store "Gare du Midi" in Pongo
    When the merchant opens the store mapping in the partner's admin
    Then the integration retrieved the merchant's stores from Pongo
    And the stores offered are exactly the merchant's Pongo stores

  @REQ:PONGO-STORE-02
  Scenario Outline: Every order carries the slug of the store where it was placed
    Given the merchant has connected the integration and mapped its locations
    And a known customer with the phone number "32470123456" and 120 points
    And an identified customer starts an order at location <location>
    When the customer orders a product and pays by card
    Then the order sent to Pongo carries the store slug mapped to location <location>
    And that store slug belongs to the merchant

    Examples:
      | location |
      | 1        |
      | 2        |
