"""Moderation: the audit log of every moderator action, members' flags on posts, and the
moderators' queues and tools.

It stands apart from ``forums`` and ``accounts`` because it spans both: the same audit log
records board actions (approving a join request, hiding a post) and site actions (suspending a
member, registering a domain), and moderators read it in one place. The state being moderated
stays where it belongs (``Membership.state``, ``Post.hidden_at`` in forums; ``User.status`` in
accounts); this app owns the record of who changed it, and why.
"""
