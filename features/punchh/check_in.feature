@punchh
Feature: The paid order is checked in, and its receipt can be claimed later
  Check in: after the order is paid, it is sent to the loyalty system (Create Check-in), with the
  additional line items for redemptions, so the credits for the order go to the loyalty user. A
  receipt carries a proper Punchh EAN-13 barcode with an embedded Punchh key; Store Receipt Details
  is called when a customer has such a receipt but no loyalty user, the first step in letting them
  accrue credits after the POS interaction is complete. (seed 003_170468a4a350bb88.txt)

  Background:
    Given a known guest with points and rewards
    And the guest gave their phone number

  @REQ:PUNCHH-CHK-01
  Scenario: The paid order is checked in after the payment, with its redemption lines
    When the guest orders 2 products
    And the guest chooses the "$2 Off Your Order" reward
    And the discounts are applied to the order
    And the guest pays by card
    Then the order was checked in after the payment, with its products and redemption lines

  @REQ:PUNCHH-CHK-01
  Scenario: A paid order without redemptions is checked in after the payment
    When the guest orders 2 products and pays by card
    Then the order was checked in after the payment, with its products and redemption lines

  @REQ:PUNCHH-CHK-02 @pos
  Scenario: The receipt carries the EAN-13 barcode of its check's Punchh key
    When the guest orders 2 products and pays by card
    And the guest keeps the receipt
    Then the receipt carries the EAN-13 barcode of the Punchh key its check was sent with

  @REQ:PUNCHH-CHK-02 @pos
  Scenario: Each check has a Punchh key of its own
    When the guest orders a product and pays by card
    And the guest keeps the receipt
    And another guest orders a product and pays by card, and keeps the receipt
    Then each receipt has a barcode of its own

  @REQ:PUNCHH-CHK-03 @pos
  Scenario: A guest without loyalty can claim the receipt later through Receipt Details
    When the next guest orders a product without identifying and pays by card
    And the guest keeps the receipt
    Then Receipt Details were sent after the payment, with the receipt's Punchh key
    And a guest who claims the receipt's Punchh key in the app later is credited with the order
