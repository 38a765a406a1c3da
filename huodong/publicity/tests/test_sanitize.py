"""The acceptance: whatever a writer pastes, the published article runs no script."""

from __future__ import annotations

import re

import pytest

from huodong.publicity.models import Article
from huodong.publicity.sanitize import sanitize_html
from huodong.publicity.tests.conftest import draft, published

ATTACKS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    '<img src="x" onerror="alert(1)">',
    '<p onclick="alert(1)" onmouseover="alert(2)">点我</p>',
    '<body onload="alert(1)">',
    '<a href="javascript:alert(1)">链接一</a>',
    '<a href="JaVaScRiPt:alert(1)">链接二</a>',
    '<a href="jav&#x09;ascript:alert(1)">链接三</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">链接四</a>',
    '<a href="&#x6A;avascript&colon;alert(1)">链接五</a>',
    '<a href=" \x01javascript:alert(1)">链接六</a>',
    '<a href="vbscript:msgbox(1)">链接七</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">链接八</a>',
    '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
    '<p style="width: expression(alert(1))">样式一</p>',
    '<p style="background: url(javascript:alert(1))">样式二</p>',
    '<div style="behavior: url(x.htc)">样式三</div>',
    "<style>body { background: url(javascript:alert(1)) }</style>",
    '<link rel="stylesheet" href="javascript:alert(1)">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<svg onload="alert(1)"><circle r="1"/></svg>',
    "<svg><script>alert(1)</script></svg>",
    '<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<object data="javascript:alert(1)"></object><embed src="x.swf">',
    '<form action="javascript:alert(1)"><input type="submit"></form>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<a href="#" class="evil" id="hijack" style="position:fixed">定位</a>',
    '<base href="javascript:alert(1)//">',
    '<img src="x" alt="" width="100" height="50" style="x" onload="alert(1)">',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    "<template><script>alert(1)</script></template>",
]
FORBIDDEN = re.compile(
    r"<script|<style|<link|<meta|<svg|<iframe|<object|<embed|<form|<base|<math|<template"
    r"|\bon[a-z]+\s*=|javascript|vbscript|data:|expression\(|style\s*=|class\s*=|id\s*=|srcdoc"
    r"|alert\(|url\(",
    re.IGNORECASE,
)


def _body(html: str) -> str:
    found = re.search(r'id="article-body">(.*?)</div>', html, re.DOTALL)
    assert found, "the article's body is on the page"
    return found.group(1)


@pytest.mark.parametrize("attack", ATTACKS)
def test_each_attack_is_removed(attack):
    cleaned = sanitize_html(f"<p>前</p>{attack}<p>后</p>")
    assert not FORBIDDEN.search(cleaned), cleaned
    assert "<p>前</p>" in cleaned
    if "<math>" not in attack:  # left open, it swallows what follows (as a browser would)
        assert "<p>后</p>" in cleaned


def test_allowed_markup_survives():
    html = (
        "<h2>标题</h2><p><strong>粗</strong><b>b</b><em>斜</em><i>i</i><u>下</u><s>删</s><br></p>"
        "<blockquote>引用</blockquote><ul><li>一</li></ul><ol><li>二</li></ol>"
        '<p><a href="https://example.gov.cn/a?b=1" title="t">外链</a> <a href="/column/1/">站内</a>'
        ' <a href="mailto:xc@example.gov.cn">邮件</a></p>'
        '<figure><img src="https://example.gov.cn/a.png" alt="图" width="300" height="200">'
        "<figcaption>图注</figcaption></figure><hr>"
        "<table><thead><tr><th>表头</th></tr></thead><tbody><tr><td>单元</td></tr></tbody></table>"
    )
    cleaned = sanitize_html(html)
    for piece in [
        "<h2>标题</h2>",
        "<strong>粗</strong>",
        "<blockquote>引用</blockquote>",
        'href="https://example.gov.cn/a?b=1"',
        'href="/column/1/"',
        'href="mailto:xc@example.gov.cn"',
        'rel="noopener noreferrer nofollow"',
        'src="https://example.gov.cn/a.png"',
        'width="300"',
        "<figcaption>图注</figcaption>",
        "<td>单元</td>",
        "<hr>",
    ]:
        assert piece in cleaned, piece


def test_image_sizes_must_be_pixels():
    assert 'width="100%"' not in sanitize_html('<img src="/a.png" width="100%" height="2">')
    assert 'height="2"' in sanitize_html('<img src="/a.png" width="100%" height="2">')


def test_paste_from_word_becomes_clean_html():
    word = (
        '<html xmlns:o="urn:schemas-microsoft-com:office:office"><head><meta charset=utf-8>'
        "<style>p.MsoNormal{margin:0}</style><!--[if gte mso 9]><xml><w:WordDocument>"
        "</w:WordDocument></xml><![endif]--></head><body lang=ZH-CN>"
        "<p class=MsoNormal align=center style='text-align:center'><b><span style='font-size:"
        "16.0pt;font-family:方正小标宋简体'>关于开展解放思想大讨论的通知<o:p></o:p></span></b></p>"
        "<p class=MsoNormal style='text-indent:32.0pt'><span lang=EN-US>2018</span>"
        "<span style='font-family:仿宋'>年5月，全办开展大讨论。</span></p>"
        "<table class=MsoTableGrid border=1><tr><td width=100 style='border:solid'>"
        "<p class=MsoNormal>序号</p></td></tr></table></body></html>"
    )
    cleaned = sanitize_html(word)
    assert "<p><b>关于开展解放思想大讨论的通知</b></p>" in cleaned
    assert "<p>2018年5月，全办开展大讨论。</p>" in cleaned
    assert "<table><tbody><tr><td><p>序号</p></td></tr></tbody></table>" in cleaned
    assert not re.search(r"mso|style|class|<span|<o:p|WordDocument|font-family", cleaned, re.I)


def test_plain_text_becomes_paragraphs(people):
    article = draft(people, body="第一段\n\n第二段 <不是标签")
    assert "<p>第一段</p>" in article.body_html
    article = draft(people, body="第一段\n第二段")
    assert article.body_html == "<p>第一段</p>\n<p>第二段</p>"


def test_an_article_full_of_attacks_publishes_clean(people, client):
    body = "<p>开头</p>" + "".join(ATTACKS) + "<p>结尾</p>"
    article = published(people, body=body, title="<script>alert(1)</script>标题")
    stored = Article.objects.get(pk=article.pk).body_html
    assert not FORBIDDEN.search(stored), stored
    assert "<p>开头</p>" in stored and "<p>点我</p>" in stored

    page = client.get(f"/column/{people.office.pk}/articles/{article.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    body_html = _body(html)
    assert not FORBIDDEN.search(body_html), body_html
    assert "<p>开头</p>" in body_html
    # The title is text: escaped wherever it appears.
    assert "<script>alert(1)</script>标题" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;标题" in html
    # The only script of the page is the site's own.
    assert re.findall(r"<script[^>]*>", html) == [
        s for s in re.findall(r"<script[^>]*>", html) if "huodong.js" in s
    ]

    feed = client.get(f"/column/{people.office.pk}/feed.atom").content.decode()
    assert "<script>" not in feed


def test_a_tampered_body_is_cleaned_on_the_way_out(people, client):
    article = published(people)
    Article.objects.filter(pk=article.pk).update(
        body_html='<p onclick="alert(1)">x</p><script>alert(2)</script>'
    )
    html = client.get(f"/column/{people.office.pk}/articles/{article.pk}/").content.decode()
    assert not FORBIDDEN.search(_body(html))
