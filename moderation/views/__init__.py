"""Moderation pages: ``membership`` (queues, members, log, boards) and ``content`` (flags,
posts and topics). Thin: form → permission → service → redirect."""
