"""The tables' column titles: the models' headers, and the first frame's before the models exist."""

ACCOUNT_HEADERS = [
    "Identifier",
    "Key",
    "Secret",
    "Created",
    "Key age",
    "Last test",
    "Tests (7 days)",
    "Last 14 days",
    "",
]
TEST_HEADERS = ["Name", "Status", "Browser", "Platform", "Started by", "Build", "Created", "Duration"]
