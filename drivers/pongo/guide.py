"""The Pongo guides' own sentences behind each requirement (seeds 000 kiosk, 001 POS, 002 set-up).

The cases that prove a verdict (broken integrations, conforming variants) cite these by default;
a case that reads a more precise sentence cites that one instead.
"""

GUIDE = {
    "PONGO-AUTH-01": "enable our respective clients (a.k.a. the merchant) to connect your software with Pongo "
    "autonomously [...] an Oauth2 authentication System [...] provide a button that redirect to our OAuth form "
    "from your admin panel. (000, 001, 002)",
    "PONGO-STORE-01": "Once the merchant has linked its Pongo account with your system through Oauth, you can "
    "retrieve the list of the merchant's location with the GET stores endpoint. (000, 001, 002)",
    "PONGO-STORE-02": "All orders sent to Pongo requires a loyalty_store_slug. [...] make sure the right "
    "loyalty_store_slug is passed with the POST create order call. (000, 001, 002)",
    "PONGO-ID-01": "A customer have two way to authenticate themselves on their loyalty program: With their phone "
    "number [...] (000); POS users must be able to find a customer based on their phone number in the POS. (001)",
    "PONGO-ID-02": "By scanning their Digital Pass (from their loyalty App or Wallet), the QR code of their pass "
    "returns the public_id of the customer. (000, 001)",
    "PONGO-ID-03": "we recommend to subscribe to a Webhook customer.created in order to fetch every new enlisted "
    "customer from other connected platforms. (001)",
    "PONGO-ENLIST-01": "it is upmost important to give them the possibility to enlist from your app. (000, 001)",
    "PONGO-OPTIN-01": "When a customer enlist to the loyalty program, it is mandatory to ask the customer for their "
    "opt-in for Email and SMS communication. [...] you can pass it to the POST create order or the POST/PATCH "
    "customer calls in the has_optin attribute. (000, 001)",
    "PONGO-VIEW-01": "Total of loyalty points the customer possess. Customers loyalty points are accessible from the "
    "GET customer endpoint. (000, 001)",
    "PONGO-VIEW-02": "Rewards available on the merchant's program. They can be retrieved from the GET rewards "
    "endpoint. (000, 001)",
    "PONGO-VIEW-03": "Distinct, the rewards there are already purchased from the others. You can obtain the rewards "
    "purchased by a customer with the GET rewards won by a customer endpoint. (000, 001)",
    "PONGO-REDEEM-01": "Customers must be able to redeem a reward from your app. To do so, you can use the endpoint "
    "POST Buy a reward. Make sure the user interface is refreshed to display the rewards purchased by a customer "
    "properly. (000, 001)",
    "PONGO-REWARD-01": "If the merchant add one SKU, it means it is a single product or menu. If the merchant add "
    "multiple SKUs, it is a list of product or menu. [...] The external_id field can returns multiple SKUs from "
    "multiple partner. So you need to filter the SKUs to retains only the one matching in your system. (000-002)",
    "PONGO-REWARD-02": "Ensure the customer choosing a reward corresponding to a product with paid option can choose "
    "any options. The options should not be offered to the customer and must be paid. (000-002)",
    "PONGO-REWARD-03": "A coupon_code field for the reward type voucher_*: it contains a unique voucher code generated "
    "when the customer redeemed the reward. You must create a voucher in your system with the same code and apply "
    "it to the order. (000, 001)",
    "PONGO-REWARD-04": "Let us know if your system do not support voucher code or product catalog to deactivate "
    "them. (000, 001)",
    "PONGO-REWARD-05": "Those SKUs are added directly in the Pongo backoffice by the merchant on each reward. It is "
    "therefore important to tell the merchant and Pongo how to retrieve them. (001, 002)",
    "PONGO-ORDER-01": "In order for us to attribute the loyalty point to a customer, Pongo must retrieve the order "
    "that was closed. To do so, you can use the POST create order endpoint. (000, 001)",
    "PONGO-ORDER-02": "Ensure the order was successfully closed / paid by the customer before sending it to Pongo. We "
    "do not attribute loyalty point to an order that was not successfully paid. (000, 001)",
    "PONGO-ORDER-03": "To confirm a reward has been used by a client, you can pass the Pongo reward_id in the lines "
    "object of the Create Order call. Alternatively [...] you can use the PATCH use a reward endpoint. (000, 001)",
    "PONGO-ORDER-04": "The system cannot manage the reward (ex: voucher code). In that case, customers must be prompt "
    "that the rewards will be removed from the order if they don't pay on your system. (000, 001)",
    "PONGO-ORDER-05": "you can only send the order to Pongo if the system can give you a callback to confirm the "
    "order was successfully closed. (000, 001)",
    "ALL-SCHEMA-01": "Every request the integration sends matches the platform's schema: the platform's published "
    "one where it exists, ours (with its assumptions marked) where it does not. (catalog)",
    "ALL-ERR-01": "Platform errors, time-outs and 5xx are handled: the customer is told, no order is sent twice, and "
    "no paid order is lost (it is retried later with the same identity). (catalog)",
    "ALL-SEC-01": "Credentials travel only where the platform expects them [...], never in logs or receipts, and each "
    "merchant's tokens reach only that merchant's data. (catalog; 000: 'the best security')",
}
