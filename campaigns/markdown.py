"""The landing text's Markdown, rendered safe by construction.

A small subset that a teacher writes for students: paragraphs (a blank line between
them), line breaks, `**bold**`, `*italic*` / `_italic_`, `[a link](https://…)` (http,
https and mailto only), lists (`- item`, `1. item`) and titles (`# …` to `### …`, shown
one level below the page's own title). Everything is HTML-escaped first and only these
tags are then written, so no markup of the author's ever reaches the page: a `<script>`
shows as text, a `javascript:` link as its words. No dependency: the full Markdown
language with an HTML sanitiser would be two libraries for what a landing text needs.
"""

from __future__ import annotations

import html
import re

from django.utils.safestring import SafeString, mark_safe

ALLOWED_SCHEMES = ("https://", "http://", "mailto:")
_BLOCKS = re.compile(r"\n[ \t]*\n+")
_HEADING = re.compile(r"^(#{1,3})[ \t]+(.+?)[ \t]*#*$")
_BULLET = re.compile(r"^[ \t]*[-*+][ \t]+(.*)$")
_NUMBERED = re.compile(r"^[ \t]*\d{1,3}[.)][ \t]+(.*)$")
_LINK = re.compile(r"\[([^\[\]\n]+)\]\(([^()\s]+)\)")
_STRONG = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_EM_STAR = re.compile(r"(?<![*\w])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![*\w])")
_EM_UNDERSCORE = re.compile(r"(?<![\w])_(?=\S)(.+?)(?<=\S)_(?![\w])")
_TOKEN = re.compile("\x00(\\d+)\x00")


def render_markdown(text: str) -> SafeString:
    """The text as HTML (empty for an empty text)."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    blocks = [block.strip("\n") for block in _BLOCKS.split(text.strip())]
    # Safe: every piece of the author's text went through html.escape in _inline.
    return mark_safe("\n".join(_block(block) for block in blocks if block.strip()))


def _block(block: str) -> str:
    lines = block.split("\n")
    heading = _HEADING.match(lines[0]) if len(lines) == 1 else None
    if heading:
        level = len(heading.group(1)) + 1
        return f"<h{level}>{_inline(heading.group(2))}</h{level}>"
    for pattern, tag in ((_BULLET, "ul"), (_NUMBERED, "ol")):
        items = [pattern.match(line) for line in lines]
        if all(items):
            inner = "".join(f"<li>{_inline(item.group(1))}</li>" for item in items)
            return f"<{tag}>{inner}</{tag}>"
    return "<p>" + "<br>".join(_inline(line.strip()) for line in lines) + "</p>"


def _inline(text: str) -> str:
    escaped = html.escape(text, quote=True)
    links: list[str] = []

    def link(match: re.Match) -> str:
        label, target = match.group(1), match.group(2)
        if not html.unescape(target).lower().startswith(ALLOWED_SCHEMES):
            return match.group(0)
        # `target` is escaped already: it holds no quote that could end the attribute.
        links.append(f'<a href="{target}" rel="noopener noreferrer nofollow">{label}</a>')
        return f"\x00{len(links) - 1}\x00"

    escaped = _LINK.sub(link, escaped)
    escaped = _STRONG.sub(r"<strong>\1</strong>", escaped)
    escaped = _EM_STAR.sub(r"<em>\1</em>", escaped)
    escaped = _EM_UNDERSCORE.sub(r"<em>\1</em>", escaped)
    return _TOKEN.sub(lambda match: links[int(match.group(1))], escaped)
