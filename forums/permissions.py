"""Who may see and do what on boards. Pure functions: views, consumers, search and
notifications all ask these, so a rule changes in one place.

``membership`` is the user's Membership of the board (or None); callers look it up once with
``forums.queries.membership_of`` and pass it to every check of the same request.
"""

from accounts.permissions import can_moderate_site, is_verified_member
from forums.models import Board, Membership, Post, Topic


def is_active_member(membership: Membership | None) -> bool:
    return membership is not None and membership.is_active


def can_view_board(user, board: Board, membership: Membership | None) -> bool:
    """Knowledge should flow: every verified member reads open and approval boards."""
    if not is_verified_member(user):
        return False
    if board.join_policy == Board.JoinPolicy.INVITE:
        return is_active_member(membership) or can_moderate_site(user)
    return True


def can_moderate_board(user, board: Board, membership: Membership | None) -> bool:
    if not is_verified_member(user):
        return False
    return can_moderate_site(user) or (membership is not None and membership.is_moderator)


def can_join_board(user, board: Board, membership: Membership | None) -> bool:
    """Open boards are joined at once; approval boards take a request. A ban stops both until
    its end date."""
    if not is_verified_member(user) or board.join_policy == Board.JoinPolicy.INVITE:
        return False
    if membership is not None and membership.state == Membership.State.BANNED:
        return not membership.is_banned
    return membership is None or membership.state == Membership.State.REJECTED


def can_accept_invitation(user, board: Board, membership: Membership | None) -> bool:
    return (
        is_verified_member(user)
        and membership is not None
        and membership.state == Membership.State.INVITED
    )


def can_leave_board(user, board: Board, membership: Membership | None) -> bool:
    return (
        user.is_authenticated
        and membership is not None
        and membership.state in (Membership.State.ACTIVE, Membership.State.PENDING)
    )


def can_post_in_board(user, board: Board, membership: Membership | None) -> bool:
    return can_view_board(user, board, membership) and is_active_member(membership)


def can_reply(user, topic: Topic, membership: Membership | None) -> bool:
    if not can_post_in_board(user, topic.board, membership):
        return False
    return not topic.is_locked or can_moderate_board(user, topic.board, membership)


def can_edit_post(user, post: Post, membership: Membership | None) -> bool:
    """Authors edit their own posts while they still belong to the board."""
    return _post_control("author", user, post, membership)


def can_delete_post(user, post: Post, membership: Membership | None) -> bool:
    return can_edit_post(user, post, membership)


def can_accept_answer(user, topic: Topic, membership: Membership | None) -> bool:
    if not can_view_board(user, topic.board, membership):
        return False
    is_asker = topic.author_id == user.pk and is_active_member(membership)
    return is_asker or can_moderate_board(user, topic.board, membership)


def can_mark_helpful(user, post: Post, membership: Membership | None) -> bool:
    """Any verified reader may thank an author, but not themselves."""
    return _post_control("helpful", user, post, membership)


# --- Controls on a post ------------------------------------------------------------------------
# Whether a viewer gets a control on a post follows from what they may do in the topic (their
# abilities) and from facts of the post (whose it is; deleted or redacted). POST_CONTROLS joins
# the two. The server renders each page with it, and the page's script receives the same table
# with the viewer's abilities (``post_controls_for``) to personalise posts that arrive live,
# which are rendered once for every viewer: the script applies data, it holds no rule.

POST_CONTROLS = {
    # control: the ability it needs, whose posts it is for ("any", "own", "others"), and the
    # post states that take it away.
    "helpful": {"needs": "read", "posts": "others", "unless": ["deleted"]},
    "reply": {"needs": "reply", "posts": "any", "unless": []},
    "accept": {"needs": "accept", "posts": "any", "unless": []},
    "author": {"needs": "reply", "posts": "own", "unless": ["deleted"]},
    "flag": {"needs": "read", "posts": "others", "unless": ["deleted", "redacted"]},
    "moderate": {"needs": "moderate", "posts": "any", "unless": []},
    # A private message to the author; the conversation page applies the contact rules.
    "message": {"needs": "read", "posts": "others", "unless": []},
}

_ABILITIES = {
    "read": lambda user, topic, membership: can_view_board(user, topic.board, membership),
    "reply": lambda user, topic, membership: can_reply(user, topic, membership),
    "accept": lambda user, topic, membership: can_accept_answer(user, topic, membership),
    "moderate": lambda user, topic, membership: can_moderate_board(user, topic.board, membership),
}


def topic_abilities(user, topic: Topic, membership: Membership | None) -> dict[str, bool]:
    """What the viewer may do in this topic, by ability name (no query: ``membership`` given)."""
    return {name: ability(user, topic, membership) for name, ability in _ABILITIES.items()}


def post_states(post: Post) -> list[str]:
    """The facts of a post that controls depend on, as the post's HTML carries them."""
    return [
        state for state, on in (("deleted", post.is_deleted), ("redacted", post.is_redacted)) if on
    ]


def control_allowed(control: str, abilities: dict, viewer_id, author_id, states) -> bool:
    rule = POST_CONTROLS[control]
    if not abilities.get(rule["needs"]):
        return False
    if rule["posts"] == "own" and author_id != viewer_id:
        return False
    if rule["posts"] == "others" and author_id == viewer_id:
        return False
    return not set(rule["unless"]) & set(states)


def post_controls_for(user, topic: Topic, membership: Membership | None) -> dict:
    """Everything a topic page needs to show each post's controls, for the template tags and,
    through ``json_script``, for the live script."""
    return {
        "viewer_id": user.pk,
        "abilities": topic_abilities(user, topic, membership),
        "rules": POST_CONTROLS,
    }


def _post_control(control: str, user, post: Post, membership: Membership | None) -> bool:
    if user is None or not user.is_authenticated:
        return False
    ability = POST_CONTROLS[control]["needs"]
    # The post's own facts first: they cost nothing, the ability may need the topic.
    if not control_allowed(control, {ability: True}, user.pk, post.author_id, post_states(post)):
        return False
    return _ABILITIES[ability](user, post.topic, membership)


# --- Moderation ---------------------------------------------------------------------------------


def can_view_post(user, post: Post, membership: Membership | None) -> bool:
    """A hidden post is seen only by its author and the board's moderators; others get a
    placeholder. ``membership`` is the user's membership of the post's board."""
    if not post.is_hidden:
        return True
    if user is None or not is_verified_member(user):
        return False
    return (
        post.author_id == user.pk
        or can_moderate_site(user)
        or (membership is not None and membership.is_moderator)
    )


def can_flag_post(user, post: Post, membership: Membership | None) -> bool:
    """Any reader may flag someone else's post for the moderators (not one already redacted)."""
    return _post_control("flag", user, post, membership)


def can_moderate_post(user, post: Post, membership: Membership | None) -> bool:
    return can_moderate_board(user, post.topic.board, membership)


def can_manage_member(user, board: Board, membership: Membership | None, target) -> bool:
    """Remove or ban ``target`` (a Membership). Acting on a fellow board moderator, or on
    oneself, is for site moderators: a dispute between moderators goes one level up."""
    if not can_moderate_board(user, board, membership):
        return False
    if target.user_id == user.pk:
        return False
    if target.user.is_superuser:
        return False
    return target.role != Membership.Role.MODERATOR or can_moderate_site(user)


def can_change_role(user, board: Board, membership: Membership | None, target) -> bool:
    """Board moderators promote members and may step down; demoting others is for site
    moderators."""
    if not can_moderate_board(user, board, membership) or not target.is_active:
        return False
    if target.role == Membership.Role.MEMBER:
        return True
    return target.user_id == user.pk or can_moderate_site(user)


def can_move_topic(user, topic: Topic, membership, destination: Board, destination_membership):
    """Moving needs the right to moderate both boards."""
    return can_moderate_board(user, topic.board, membership) and can_moderate_board(
        user, destination, destination_membership
    )


def can_create_board(user) -> bool:
    return can_moderate_site(user)
