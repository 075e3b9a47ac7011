"""Boards, memberships, topics, posts and their live updates."""
