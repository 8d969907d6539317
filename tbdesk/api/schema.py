"""Every path and field name tbdesk uses, in one place.

Lines marked ASSUMED are not pinned down by TestingBot's public documentation or official clients
(see shared/reference/testingbot-api.md); if the real API differs, correct them here.
"""

DEFAULT_API_URL = "https://api.testingbot.com/v1"
DEFAULT_HUB_URL = "https://hub.testingbot.com/wd/hub"  # documented as https://KEY:SECRET@hub.testingbot.com/wd/hub
DASHBOARD_TEST_URL = "https://testingbot.com/members/tests/{session_id}"  # ASSUMED: the dashboard's page of a test

# Documented endpoints
USER = "/user"
USER_KEYS = "/user/keys"
TEAM = "/team-management"
TESTS = "/tests"
TEST = "/tests/{session_id}"  # documented: a test is addressed by its WebDriver session id
PAGE_MAX = 500  # the tests list caps `count` at 500

# Service accounts: ASSUMED paths, following the team-management conventions
SERVICE_ACCOUNTS = "/team-management/service-accounts"  # ASSUMED
SERVICE_ACCOUNT = "/team-management/service-accounts/{id}"  # ASSUMED
SERVICE_ACCOUNT_RESET = "/team-management/service-accounts/{id}/reset-keys"  # ASSUMED
F_IDENTIFIER = "identifier"  # ASSUMED body and answer field
F_KEY, F_SECRET = "key", "secret"  # ASSUMED on service accounts (as /user/keys names a pair: documented)
F_KEYS_ISSUED_AT = "keys_issued_at"  # ASSUMED: when the current key and secret were made (create or rotate)
# What tbdesk expects from each assumed endpoint, said to the user when a server refuses one.
EXPECTED = {  # ASSUMED, all of it
    SERVICE_ACCOUNTS: "a page of service accounts: {data: [{id, identifier, key, created_at}], meta: {total}}",
}

# Query parameters (documented)
Q_OFFSET, Q_COUNT, Q_SINCE, Q_BUILD, Q_GROUP = "offset", "count", "since", "build", "group"

# Answer fields
F_DATA, F_META, F_TOTAL = "data", "meta", "total"
F_STARTED_BY = "started_by"  # ASSUMED: {"type", "id", "name", "deleted"} on each test
F_SB_TYPE, F_SB_ID, F_SB_NAME, F_SB_DELETED = "type", "id", "name", "deleted"  # ASSUMED: inside started_by
F_ROLE = "role"  # ASSUMED: the caller's role on /user (owner, admin, member, viewer, service_account)
ROLE_SERVICE_ACCOUNT = "service_account"  # ASSUMED value of `role` when a service account's pair calls /user
F_SERVICE_ACCOUNT = "service_account"  # ASSUMED: on /user for a service account's pair, {"id", "identifier"}
STARTED_BY_SERVICE_ACCOUNT = "service_account"  # ASSUMED value of started_by.type
ADMIN_ROLES = frozenset({"owner", "admin"})

# Headers
H_RATE_REMAINING = "X-RateLimit-Remaining"
H_RETRY_AFTER = "Retry-After"
