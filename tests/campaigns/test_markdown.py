"""The landing text's Markdown: the subset teachers use, and nothing of the author's HTML."""

import pytest

from campaigns.markdown import render_markdown


def test_paragraphs_emphasis_links_lists_and_titles():
    text = (
        "# Bienvenue\n\n"
        "Lis **bien** les *consignes* et _prends ton temps_.\n"
        "Aide : [la page](https://pix.fr/aide?a=1&b=2).\n\n"
        "- un\n- deux\n\n"
        "1. premier\n2. second"
    )
    assert render_markdown(text) == (
        "<h2>Bienvenue</h2>\n"
        "<p>Lis <strong>bien</strong> les <em>consignes</em> et <em>prends ton temps</em>."
        '<br>Aide : <a href="https://pix.fr/aide?a=1&amp;b=2" '
        'rel="noopener noreferrer nofollow">la page</a>.</p>\n'
        "<ul><li>un</li><li>deux</li></ul>\n"
        "<ol><li>premier</li><li>second</li></ol>"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"),
        ("<img src=x onerror=alert(1)>", "<p>&lt;img src=x onerror=alert(1)&gt;</p>"),
        ("[clic](javascript:alert(1))", "<p>[clic](javascript:alert(1))</p>"),
        ("[clic](JavaScript:alert(1))", "<p>[clic](JavaScript:alert(1))</p>"),
        ("[clic](data:text/html,x)", "<p>[clic](data:text/html,x)</p>"),
        (
            # The quote stays inside the attribute, escaped.
            '[x](https://a.fr/"onmouseover=x)',
            '<p><a href="https://a.fr/&quot;onmouseover=x" '
            'rel="noopener noreferrer nofollow">x</a></p>',
        ),
        ("**<b>gras</b>**", "<p><strong>&lt;b&gt;gras&lt;/b&gt;</strong></p>"),
        ("a\x00b", "<p>ab</p>"),
    ],
)
def test_the_authors_markup_never_reaches_the_page(text, expected):
    assert render_markdown(text) == expected


def test_underscores_inside_words_and_links_stay(text="mon_fichier et [l](https://a.fr/x_y_z)"):
    assert render_markdown(text) == (
        '<p>mon_fichier et <a href="https://a.fr/x_y_z" '
        'rel="noopener noreferrer nofollow">l</a></p>'
    )


def test_an_empty_text_renders_nothing():
    assert render_markdown("") == ""
    assert render_markdown("\n\n  \n") == ""
