"""The sentences of Spoonity's ordering guide (seed 004) behind each requirement.

The cases that prove a verdict (broken integrations, conforming variants) cite these by default;
a case that reads a more precise sentence cites that one instead.
"""

GUIDE = {
    "SPOON-ID-01": "A necessary step for completing any order is to identify the customer. [...] The first step of "
    'checking in a customer is to create a "POS session" through the POST /onscreen API. (004)',
    "SPOON-ID-02": "Take the generated pos_session_hash from the previous step, and pass it to the same endpoint as a "
    "GET request. The response will include personal details about the customer, a list of their balances, and "
    "information about which rewards they are eligible for. (004)",
    "SPOON-REW-01": "Note that the response from this request will only include rewards that this customer is "
    "eligible for. In cases where the application needs a full list of all rewards, they should make use of the "
    "GET /vendor/perk/redemption/list instead. (004)",
    "SPOON-PAY-01": "Gift card payments are processed through a separate POST /order request. This request applies a "
    "debit against the customer's gift card balance, which you can then reconcile against the order. (004)",
    "SPOON-PAY-02": "Payments can also be applied using a customer's loyalty balance through our Loyalty Pay feature. "
    "This process uses a dedicated API which converts a balance of points to a cash-based equivalent at runtime. (004)",
    "SPOON-ORDER-01": "Once the order has been completed and resolved inside your application, you can submit it to "
    "Spoonity for final processing. [...] The Spoonity API is only capable of processing whole orders. When an order "
    "is submitted, it is assumed to be in a complete state, and is therefore immutable. (004)",
    "SPOON-ORDER-02": "the immutable nature of the order means that loyalty redemption scenarios may fail and return "
    "an error (in cases where the customer does not have sufficient balance, for example). Your application must be "
    "able to handle these kinds of failures. (004)",
    "SPOON-SESSION-01": "This behaviour can be disabled from the Spoonity dashboard. If the system does not "
    "automatically clean up a spent session, then your application should take steps to manually close them. (004)",
    "SPOON-VOID-01": "the Spoonity API includes a voiding API to mark the order as cancelled, as well as to revert any "
    "loyalty changes that were made as a result of that order. (004)",
    "SPOON-VOID-02": "Orders must be voided in the order they are created for each customer, for each location. (004)",
    "ALL-SCHEMA-01": "Every request the integration sends matches the platform's schema: the platform's published "
    "one where it exists, ours (with its assumptions marked) where it does not. (catalog)",
    "ALL-ERR-01": "Platform errors, time-outs and 5xx are handled: the customer is told, no order is sent twice, and "
    "no paid order is lost (it is retried later with the same identity). (catalog)",
    "ALL-SEC-01": "Credentials travel only where the platform expects them (a header, or Spoonity's api_key "
    "parameter), never in logs or receipts, and each merchant's tokens reach only that merchant's data. (catalog)",
}
