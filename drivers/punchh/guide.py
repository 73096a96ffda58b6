"""The PAR Punchh guide's own sentences behind each requirement (seed 003, POS / Kiosk / Pay-on-the-Go).

The cases that prove a verdict (broken integrations, conforming variants) cite these by default;
a case that reads a more precise sentence cites that one instead. The ALL-* rows cite the catalog.
"""

GUIDE = {
    "PUNCHH-ID-01": "Sign up / look up user - [...] the user identity is validated with the POS using a loyalty sign up "
    "or look-up. This identity is attached to the order and payment [...]. This workflow must occur before the order "
    "is paid. (003)",
    "PUNCHH-AUTH-01": "Send OTP - Sends a one time password (OTP) to the user via email or SMS message using Advanced "
    "Authentication to sign up / sign in. Verify OTP - This verifies the OTP token and returns an access token for "
    "that user. [...] an access token that enables other API calls to be made on behalf of the user. (003)",
    "PUNCHH-AUTH-02": "Create New User - This enables the creation of a new loyalty user. This is a legacy method for "
    "user authentication and is not recommended for new applications. (003)",
    "PUNCHH-ID-02": "User Look-up and Fetch Balance - For existing loyalty users, this confirms that a user is valid, "
    "and checks the credits, rewards, and offers available to the user. (003)",
    "PUNCHH-RED-01": "Discount Look-up (Redemptions 2.0) - This looks up available discounts (rewards or redemptions) "
    "for a user based on the current order. [...] This workflow occurs after the order is built and the loyalty user "
    "is authenticated, and before the order is paid. (003)",
    "PUNCHH-RED-02": "Add Selection to Discount Basket (Redemptions 2.0) - This adds selected discounts to a basket "
    "(i.e., a virtual shopping cart). (003)",
    "PUNCHH-RED-03": "Batch Redemption Process (Redemptions 2.0), with the query parameter set to True - This confirms "
    "the redemptions for the order. The integration adds these confirmed redemptions as extra line items to the "
    "order before it is paid. (003)",
    "PUNCHH-RED-04": "Batch Redemption Process (Redemptions 2.0), with the query parameter set to False - This commits "
    "the redemptions for the now-paid order. The Punchh side removes these from the user's credits. (003)",
    "PUNCHH-RED-05": "Commit redemptions - In this scenario, which occurs after the order has been paid, the "
    "redemptions are committed and removed from the user's loyalty account. (003; catalog: when payment fails or the "
    "order is abandoned, nothing is committed)",
    "PUNCHH-CHK-01": "Check in - After the order is paid, the order is sent to the loyalty system so loyalty credits "
    "for the order can be properly credited to the loyalty user. Create Check-in - This API is called to send the "
    "order (which may contain additional line items for redemptions) to Punchh. (003)",
    "PUNCHH-CHK-02": "Store Receipt Details from POS - This API is called when a customer has a receipt with a proper "
    "Punchh EAN-13 barcode (with embedded Punchh key) from the POS [...]; POS Punchh Key and Barcode Generator - [...] "
    "how to properly generate Punchh keys and barcodes required for POS Punchh check-ins. (003)",
    "PUNCHH-CHK-03": "Store Receipt Details from POS - This API is called when a customer has a receipt with a proper "
    "Punchh EAN-13 barcode (with embedded Punchh key) from the POS, but has no loyalty assignment registered to "
    "Punchh. This API is the first step in enabling a loyalty user to accrue credits after the POS interaction is "
    "complete. (003)",
    "PUNCHH-SCAN-01": "If you are implementing single-scan flows, see Single Scan Flow. (003)",
    "ALL-SCHEMA-01": "Every request the integration sends matches the platform's schema: the platform's published "
    "one where it exists, ours (with its assumptions marked) where it does not. (catalog)",
    "ALL-ERR-01": "Platform errors, time-outs and 5xx are handled: the customer is told, no order is sent twice, and "
    "no paid order is lost (it is retried later with the same identity). (catalog)",
    "ALL-SEC-01": "Credentials travel only where the platform expects them (a header [...]), never in logs or "
    "receipts, and each merchant's tokens reach only that merchant's data. (catalog)",
}
