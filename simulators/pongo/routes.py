"""Pongo's URL map: every endpoint poscert emulates, its handler/schema name and OAuth scope."""

from poscert.simulators.core.routing import Route

ROUTES = [
    # OAuth: the consent form and the token endpoint take no bearer token.
    Route("GET", "/v1/oauth/form", "oauth_form", public=True, summary="Merchant consent form (HTML)"),
    Route(
        "POST",
        "/v1/oauth/form",
        "oauth_authorize",
        public=True,
        summary="Merchant logs in and approves or denies; redirects with a code",
    ),
    Route("POST", "/v1/oauth/token", "oauth_token", public=True, summary="Get access token"),
    Route("GET", "/v1/oauth/me", "oauth_me", summary="Get user information"),
    Route("GET", "/v1/stores", "list_stores", summary="List all stores"),
    Route(
        "GET",
        "/v1/customers",
        "list_customers",
        scope="customer.read",
        summary="Get paginated list of customers with filters",
    ),
    Route("POST", "/v1/customers", "create_customer", scope="customer.create", summary="Create a customer"),
    Route(
        "GET",
        "/v1/customers/phone/{international_phone_number}",
        "get_customer_by_phone",
        scope="customer.read",
        summary="Get customer details by phone number",
    ),
    Route(
        "HEAD",
        "/v1/customers/phone/{international_phone_number}",
        "customer_exists",
        scope="customer.read",
        summary="Check if a customer exists",
    ),
    Route("GET", "/v1/customers/{public_id}", "get_customer", scope="customer.read", summary="Get customer"),
    Route("PUT", "/v1/customers/{public_id}", "update_customer", scope="customer.update", summary="Update a customer"),
    Route(
        "PATCH",
        "/v1/customers/{public_id}",
        "update_customer",
        scope="customer.update",
        summary="Update a customer (partial)",
    ),
    Route(
        "GET",
        "/v1/customers/{public_id}/rewards",
        "list_won_rewards",
        scope="reward.read",
        summary="Get rewards won by a customer",
    ),
    Route(
        "PATCH",
        "/v1/customers/{public_id}/rewards/{won_public_id}/use",
        "use_reward",
        scope="reward.update",
        summary="Use a reward bought by a customer",
    ),
    Route("GET", "/v1/rewards", "list_rewards", scope="reward.read", summary="Get rewards"),
    Route(
        "POST",
        "/v1/rewards/{reward_public_id}/buy",
        "buy_reward",
        scope="reward.update",
        summary="Buy a reward for a customer",
    ),
    Route("POST", "/v1/orders", "create_order", scope="order.create", summary="Create an order"),
    Route(
        "PATCH",
        "/v1/orders/{order_public_id}/status",
        "update_order_status",
        scope="order.update",
        summary="Update order status",
    ),
    Route("GET", "/v1/webhooks", "list_webhooks", summary="List webhook subscriptions"),
    Route("POST", "/v1/webhooks", "create_webhook", summary="Subscribe to a webhook event"),
    Route("DELETE", "/v1/webhooks/{id}", "delete_webhook", summary="Unsubscribe from a webhook event"),
    Route("POST", "/v1/checkins", "create_checkin", scope="checkin.create", summary="Create a checkin"),
]
