@punchh
Feature: The guest is looked up, or signs up or in, before the order is paid
  Sign up / look up user: the user identity is validated with the POS using a loyalty sign up or
  look-up; this identity is attached to the order and payment, and this must occur before the order
  is paid. For existing loyalty users, User Look-up and Fetch Balance confirms that a user is valid
  and checks the credits, rewards and offers available to them. Sign-up and sign-in use Advanced
  Authentication (Send OTP, then Verify OTP, which returns an access token for the calls made on the
  user's behalf); Create New User is a legacy method not recommended for new applications.
  (seed 003_170468a4a350bb88.txt)

  @REQ:PUNCHH-ID-02
  Scenario Outline: A known guest is confirmed with User Look-up, and shown their points, rewards and offers
    Given a known guest with points and rewards
    When the guest gives their <identifier>
    Then the guest was confirmed with User Look-up and Fetch Balance
    And the guest's points balance, rewards and offers are shown

    Examples:
      | identifier   |
      | phone number |
      | email        |

  @REQ:PUNCHH-ID-02
  Scenario: A phone number the brand does not know is told, and identifies nobody
    When the guest gives a phone number the brand does not know
    Then the guest is told the brand does not know them, and nobody is identified

  @REQ:PUNCHH-ID-01
  Scenario Outline: The guest is identified before paying, and the paid order is credited to them
    Given a known guest with points and rewards
    And the guest's account is noted
    When <the guest identifies>
    And the guest orders 2 products and pays by card
    Then the guest was identified before the payment
    And the order was checked in after the payment, for that guest, who earned its points

    Examples:
      | the guest identifies                                  |
      | the guest gives their phone number first              |
      | the guest gives their email first                     |
      | the guest signs up with a one-time password by email  |

  @REQ:PUNCHH-ID-01
  Scenario: The next guest's order is not credited to the guest before them
    Given a known guest with points and rewards
    And the guest gave their phone number
    When the guest orders a product and pays by card
    And the next guest orders a product without identifying and pays by card
    Then the next guest's order was credited to nobody

  @REQ:PUNCHH-ID-01
  Scenario: A look-up that finds nobody leaves no earlier guest on the order
    Given a known guest with points and rewards
    And the guest gave their phone number
    When the guest gives a phone number the brand does not know
    And the guest orders a product and pays by card
    Then the order was credited only to the guest the till shows

  @REQ:PUNCHH-AUTH-01
  Scenario Outline: A guest signs up or in with a one-time password, and is reached through its access token
    Given <who>
    When the guest asks for a one-time password by <channel>
    And the guest types the code they received
    Then the code was sent with Send OTP and checked with Verify OTP
    And the access token Verify OTP returned was used for the guest
    And the guest is identified as the account Punchh holds for them

    Examples:
      | who                                | channel |
      | a guest new to the brand           | email   |
      | a guest new to the brand           | SMS     |
      | a known guest with points and rewards | email   |

  @REQ:PUNCHH-AUTH-01
  Scenario: A wrong code identifies nobody
    Given a guest new to the brand
    When the guest asks for a one-time password by email
    And the guest types the wrong code
    Then nobody is identified, and the guest is told the code is not valid

  @REQ:PUNCHH-AUTH-02
  Scenario Outline: New and unknown guests are not signed up with the legacy Create New User call
    Given a guest new to the brand
    When <the guest acts>
    And the guest orders a product and pays by card
    Then the legacy Create New User call was not used

    Examples:
      | the guest acts                                       |
      | the guest signs up with a one-time password by email |
      | the guest gives a phone number the brand does not know |

  @REQ:PUNCHH-AUTH-02 @runs-last
  Scenario: No scenario of the certification used the legacy Create New User call
    When every other scenario of the certification has run
    Then no scenario of the certification used the legacy Create New User call
