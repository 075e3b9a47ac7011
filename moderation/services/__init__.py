"""Every write a moderator makes, split by capability: ``membership`` (join requests, members,
bans, roles, invitations) and ``content`` (flags, hiding, redaction, topics, boards).

Each function takes the acting user first, checks the permission functions, writes inside one
transaction together with its audit entry, and leaves e-mails and live events to on_commit.
"""
