"""URLs of the moderation pages. Included before the forums' URLs, whose
``topics/<id>/<slug>/`` would otherwise catch ``topics/<id>/moderate/``."""

from django.urls import path

from moderation.views import content, membership, site

app_name = "moderation"

board = "boards/<slug:slug>/moderation/"
member = board + "members/<int:user_id>/"

urlpatterns = [
    path("moderation/", membership.home, name="home"),
    path("moderation/counts/", membership.counts, name="counts"),
    path("moderation/log/", membership.site_log, name="site_log"),
    path("moderation/boards/new/", membership.board_create, name="board_create"),
    path("moderation/verification/", site.review_queue, name="review_queue"),
    path("moderation/verification/<int:pk>/approve/", site.approve, name="approve_member"),
    path("moderation/verification/<int:pk>/reject/", site.reject, name="reject_member"),
    path("members/<int:pk>/suspend/", site.suspend, name="suspend"),
    path("members/<int:pk>/reinstate/", site.reinstate, name="reinstate"),
    path("members/<int:pk>/register-domain/", site.register_domain, name="register_domain"),
    path("moderation/domains/", site.domain_list, name="domains"),
    path("moderation/domains/<int:pk>/confirm/", site.confirm_domain, name="confirm_domain"),
    path("moderation/domains/<int:pk>/remove/", site.remove_domain, name="remove_domain"),
    path(board, membership.board_queue, name="board"),
    path(board + "requests/approve/", membership.approve_requests, name="approve_requests"),
    path(
        board + "requests/<int:membership_id>/reject/",
        membership.reject_request,
        name="reject_request",
    ),
    path(board + "members/", membership.members, name="members"),
    path(board + "invite/", membership.invite, name="invite"),
    path(member + "remove/", membership.member_remove, name="member_remove"),
    path(member + "ban/", membership.member_ban, name="member_ban"),
    path(member + "unban/", membership.member_unban, name="member_unban"),
    path(member + "role/", membership.member_role, name="member_role"),
    path(board + "log/", membership.board_log, name="board_log"),
    path(board + "settings/", membership.board_settings, name="board_settings"),
    path("posts/<int:post_id>/flag/", content.post_flag, name="post_flag"),
    path("posts/<int:post_id>/moderate/", content.post_moderate, name="post"),
    path("posts/<int:post_id>/moderate/hide/", content.post_hide, name="post_hide"),
    path("posts/<int:post_id>/moderate/unhide/", content.post_unhide, name="post_unhide"),
    path("posts/<int:post_id>/moderate/redact/", content.post_redact, name="post_redact"),
    path("posts/<int:post_id>/moderate/dismiss/", content.flags_dismiss, name="flags_dismiss"),
    path("topics/<int:topic_id>/moderate/", content.topic_moderate, name="topic"),
    path("topics/<int:topic_id>/moderate/lock/", content.topic_lock, name="topic_lock"),
    path("topics/<int:topic_id>/moderate/pin/", content.topic_pin, name="topic_pin"),
    path("topics/<int:topic_id>/moderate/title/", content.topic_retitle, name="topic_retitle"),
    path("topics/<int:topic_id>/moderate/move/", content.topic_move, name="topic_move"),
    path("topics/<int:topic_id>/moderate/merge/", content.topic_merge, name="topic_merge"),
]
