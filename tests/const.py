"""Constants for the Flipsnack tests."""

# The sample credentials of the Flipsnack docs' signing example.
API_KEY = "45FD-267-7SG7832"
API_SECRET = "123ABCDE-456-7890-FGH"

# A second account, for the tests that tell accounts apart.
OTHER_API_KEY = "99AB-123-OTHR"
OTHER_API_SECRET = "OTHER-SECRET-0000"

# Nothing listens on the discard port of the loopback interface.
UNREACHABLE_BASE_URL = "http://127.0.0.1:9/v1/"

# Lead forms: the entry's webhook id and the URLs Flipsnack may know it by.
WEBHOOK_ID = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0"
EXTERNAL_URL = "https://ha.example.com"
WEBHOOK_URL = f"{EXTERNAL_URL}/api/webhook/{WEBHOOK_ID}"
CLOUDHOOK_URL = "https://hooks.nabu.casa/test-cloudhook"

# The second account's totals, unlike the docs' example the first one has.
OTHER_STATS = {
    "impressions": 48120,
    "views": 1203456,
    "time_spent": 92880,
    "downloads": 7,
    "api_uploads_left": 1000,
}
