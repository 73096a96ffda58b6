@punchh
Feature: Single Scan Flow: one scan identifies the guest and brings their selection
  If you are implementing single-scan flows, see Single Scan Flow: the code the guest's app shows
  identifies the user together with the rewards they selected in the app, so the till neither looks
  them up nor asks them to choose again. Where implemented (a MAY: integrations declare
  `single_scan`). (seed 003_170468a4a350bb88.txt)

  @REQ:PUNCHH-SCAN-01 @needs:single_scan
  Scenario: One scan identifies the guest, and the reward chosen in the app comes off the order
    Given a known guest with points and rewards
    And the guest chose the "$2 Off Your Order" reward in the app, which shows a single scan code
    When the guest's single scan code is scanned
    And the guest orders 2 products
    And the discounts are applied to the order
    And the guest pays by card
    Then the one scan identified the guest, before the payment
    And the reward chosen in the app was confirmed for the order before payment, without being chosen again
