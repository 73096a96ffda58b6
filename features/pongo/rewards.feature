@pongo
Feature: Purchased rewards are added to the order
  A free_product reward carries in external_id one or more SKUs, separated by commas, from
  every partner of the merchant: the partner keeps only its own; one SKU is a single product
  or menu, several are a list to choose from; paid options stay paid. A voucher_* reward
  carries a unique coupon_code: the partner creates a voucher with that code and applies it.
  (seeds 000_2fa6b209850d95a1.txt, 001_8645df5950007ff4.txt, 002_4871bd2ef8397452.txt)

  Background:
    Given the merchant has connected the integration and mapped its locations
    And a known customer with the phone number "32470123456" and 500 points

  @REQ:PONGO-REWARD-01
  Scenario Outline: Only our own SKUs of a free product reward are offered
    Given the merchant's free product reward lists the SKUs "<skus>"
    And the customer has bought that reward and typed the phone number "32470123456"
    When the reward is added to the order
    Then the products offered for the reward are <offered>

    # {ours:1}-XL looks like our SKUs but is none we sell (another size, or a product of another range
    # of the brand, like the dataset's croissant on the kiosk): it holds {ours:1} but is not {ours:1}.
    Examples:
      | skus                         | offered                                          |
      | TAB-1042,{ours:1},ZLT-77     | {ours:1} alone, now in the order for free        |
      | {ours:1}, {ours:2},TAB-1042  | a choice of {ours:1} and {ours:2}                |
      | LSP-3301,{ours:1}-XL         | none, and the customer is told it cannot be used |
      | TAB-1042                     | none, and the customer is told it cannot be used |

  @REQ:PONGO-REWARD-01
  Scenario: The product chosen from the list is added for free
    Given the merchant's free product reward lists the SKUs "{ours:1},{ours:2}"
    And the customer has bought that reward and typed the phone number "32470123456"
    When the reward is added to the order
    And the customer chooses {ours:2} for the reward
    Then the order holds {ours:2} for free, carrying the reward

  @REQ:PONGO-REWARD-02
  Scenario: Paid options on a free product stay paid
    Given the merchant's free product reward lists the SKUs "{ours:with options}"
    And the customer has bought that reward and typed the phone number "32470123456"
    When the reward is added to the order with all its paid options
    Then the product is free but its options are charged at their price
    When the customer pays by card
    Then the order sent to Pongo charges the options at their price

  @REQ:PONGO-REWARD-03
  Scenario Outline: A voucher reward becomes a voucher with the reward's coupon code
    Given the merchant has a <type> reward worth <value>
    And the customer has bought that reward and typed the phone number "32470123456"
    And the customer ordered {ours:1}
    When the reward is added to the order
    Then the integration created a voucher with the reward's coupon code
    And the order total is reduced by <discount> cents

    Examples:
      | type               | value | discount           |
      | voucher_amount     | 300   | 300                |
      | voucher_percentage | 10    | 10% of the order   |

  @REQ:PONGO-REWARD-04 @without:vouchers
  Scenario: An integration without vouchers does not offer voucher rewards
    Given the merchant has a voucher_amount reward worth 300
    When the customer types the phone number "32470123456"
    Then no voucher reward is offered for redemption

  @REQ:PONGO-REWARD-04 @without:vouchers
  Scenario: An integration without vouchers does not apply a voucher the customer bought elsewhere
    Given the merchant has a voucher_amount reward worth 300
    And the customer has bought that reward and typed the phone number "32470123456"
    And the customer ordered {ours:1}
    When the reward is added to the order
    Then the customer is told the reward cannot be used here, and the order holds none

  @REQ:PONGO-REWARD-04 @without:product_catalog
  Scenario: An integration without a product catalog does not offer free product rewards
    When the customer types the phone number "32470123456"
    Then no free product reward is offered for redemption

  @REQ:PONGO-REWARD-04 @without:product_catalog
  Scenario: An integration without a product catalog does not apply a free product the customer bought elsewhere
    Given the merchant's free product reward lists the SKUs "{ours:1}"
    And the customer has bought that reward and typed the phone number "32470123456"
    When the reward is added to the order
    Then the customer is told the reward cannot be used here, and the order holds none

  @REQ:PONGO-REWARD-05
  Scenario: The merchant can find the POS's SKUs to enter in Pongo rewards
    When the merchant looks up the SKUs in the partner's admin
    Then every product and option of the catalog is listed with its SKU
