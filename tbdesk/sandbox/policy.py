"""Who may do what: every role rule of the sandbox, in one place.

Each route names one access level from ACCESS; the table says which roles hold it. The one rule that
depends on the target as well as the caller (whose credentials a person may reset or read) is
`may_manage_person`. tests/test_policy.py checks every level for every role.

Roles: the four people roles of a TestingBot team (owner, admin, member, viewer) and "service_account",
the API-only identity ("a service account cannot sign in", "managed by team admins only").
"""

from __future__ import annotations

from dataclasses import dataclass

from ..api.schema import ADMIN_ROLES

OWNER, ADMIN, MEMBER, VIEWER, SERVICE_ACCOUNT = "owner", "admin", "member", "viewer", "service_account"
ROLES = (OWNER, ADMIN, MEMBER, VIEWER, SERVICE_ACCOUNT)
PEOPLE = frozenset({OWNER, ADMIN, MEMBER, VIEWER})
ADMINS = ADMIN_ROLES  # the roles that manage service accounts, named once in tbdesk/api/schema.py


@dataclass(frozen=True)
class Access:
    roles: frozenset[str]
    refusal: str  # the 403 message for anyone signed in without the right role


ACCESS: dict[str, Access] = {
    # Reading the account's tests, builds, devices, team concurrency: anyone with a valid pair.
    "any": Access(frozenset(ROLES), ""),
    # Changing tests and starting sessions: everyone but read-only viewers.
    "write": Access(frozenset({OWNER, ADMIN, MEMBER, SERVICE_ACCOUNT}), "Viewers have read-only access."),
    # One's own profile (PUT /v1/user): people who may write; a service account is not a person.
    "self": Access(frozenset({OWNER, ADMIN, MEMBER}), "Only a person with write access can change a profile."),
    # Team people and their credentials, and everything about service accounts, the list included.
    "admin": Access(ADMINS, "Only team admins can do this."),
    "service_accounts": Access(ADMINS, "Only team admins can manage service accounts."),
}


def allowed(access: str, role: str) -> bool:
    return role in ACCESS[access].roles


def may_manage_person(actor_role: str, actor_id: int, target_role: str, target_id: int) -> bool:
    """Reset, read the key of, or edit a person: nobody but the owner touches the owner's credentials;
    admins may manage every other person."""
    if actor_role not in ADMINS:
        return False
    if target_role == OWNER:
        return actor_role == OWNER and actor_id == target_id
    return True
