"""More thread pages built from engine templates: MyBB, Invision, SMF, Reddit's layouts,
vBulletin 5 and Discourse's crawler view (see forum_pages.py for the shared thread and
the NOISE marker)."""

from __future__ import annotations

import datetime as dt
import json
from html import escape

from tests.db.importers.forum_pages import (
    HOST,
    NOISE,
    SECTION,
    TITLE,
    Post,
    _ad,
    _html,
    _paras,
    _us_date,
    discourse_quote,
)

# -- MyBB 1.8 -----------------------------------------------------------------------------

def mybb(posts: list[Post], page: int = 1, saved=None) -> str:
    """A MyBB 1.8 thread page (dates without a stated zone; relative when ``saved``)."""
    items = "".join(_mybb_post(p, saved) for p in posts)
    body = (f'<div class="navigation"><a href="index.php">Example Board</a> &rsaquo; '
            f'<a href="forumdisplay.php?fid=3">{SECTION}</a> &rsaquo; <span class="active">'
            f'{escape(TITLE)}</span></div><div id="posts">{items}</div>{_ad()}'
            f'<input type="hidden" name="tid" value="7" />')
    url = f"https://{HOST}/showthread.php?tid=7" + (f"&page={page}" if page > 1 else "")
    return _html(body, url=url, saved=saved)


def _mybb_date(p: Post, saved) -> str:
    shown = _us_date(p.when, saved).replace("&nbsp;", " ").replace('<span class="time">', "") \
        .replace("</span>", "")
    day, _, clock = shown.partition(", ")
    if day in ("Today", "Yesterday"):
        return f'<span title="{p.when:%m-%d-%Y}">{day}</span>, {clock}'
    return shown


def _mybb_post(p: Post, saved) -> str:
    quote = ""
    if p.quote:
        q = p.quote
        quote = (f'<blockquote class="mycode_quote"><cite><span> ({q.when:%m-%d-%Y, %I:%M %p})'
                 f'</span>{escape(q.author)} Wrote: <a href="https://{HOST}/showthread.php?pid='
                 f'{q.pid}#pid{q.pid}" class="quick_jump">&nbsp;</a></cite>{escape(q.quoted)}'
                 f'</blockquote><br />')
    return (f'<a name="pid{p.pid}" id="pid{p.pid}"></a><div class="post classic" '
            f'id="post_{p.pid}"><div class="post_author scaleimages"><div class="author_'
            f'information"><strong><span class="largetext"><a href="https://{HOST}/member.php?'
            f'action=profile&amp;uid={p.uid}">{escape(p.author)}</a></span></strong><br />'
            f'<span class="smalltext">{NOISE} Junior Member</span></div></div>'
            f'<div class="post_content"><div class="post_head"><div class="float_right">'
            f'<strong><a href="showthread.php?tid=7&amp;pid={p.pid}#pid{p.pid}">#{p.number}</a>'
            f'</strong></div><span class="post_date">{_mybb_date(p, saved)} <span class="post_'
            f'edit" id="edited_by_{p.pid}"></span></span></div><div class="post_body scaleimages"'
            f' id="pid_{p.pid}">{quote}{_paras(p)}</div><div class="signature scaleimages">'
            f'{NOISE} signature</div></div><div class="post_controls">{NOISE} reply</div></div>')


# -- Invision Community 4 -----------------------------------------------------------------

def invision(posts: list[Post], page: int = 1) -> str:
    """An Invision Community 4 topic page."""
    items = "".join(_ips_post(p) for p in posts)
    body = (f'<nav class="ipsBreadcrumb ipsBreadcrumb_top"><ul data-role="breadcrumbList">'
            f'<li><a href="https://{HOST}/"><span>Home</span></a></li><li><a href="https://'
            f'{HOST}/forum/3-roads/"><span>{SECTION}</span></a></li><li>{escape(TITLE)}</li>'
            f'</ul></nav><h1 class="ipsType_pageTitle ipsContained_container"><span>'
            f'{escape(TITLE)}</span></h1><div data-role="commentFeed">{items}</div>')
    url = f"https://{HOST}/topic/7-checkpoint-reports/" + (f"page/{page}/" if page > 1 else "")
    return _html(body, url=url, head='<meta property="og:site_name" content="Example IPS">')


def _ips_post(p: Post) -> str:
    quote = ""
    if p.quote:
        q = p.quote
        quote = (f'<blockquote class="ipsQuote" data-ipsquote="" data-ipsquote-contentapp="forums"'
                 f' data-ipsquote-contentcommentid="{q.pid}" data-ipsquote-contentid="7" '
                 f'data-ipsquote-userid="{q.uid}" data-ipsquote-username="{escape(q.author)}">'
                 f'<div class="ipsQuote_citation">{escape(q.author)} said:</div>'
                 f'<div class="ipsQuote_contents ipsClearfix"><p>{escape(q.quoted)}</p></div>'
                 f'</blockquote>')
    paras = "".join(f"<p>{escape(w)}</p>" for w in p.words)
    link = f"https://{HOST}/topic/7-checkpoint-reports/?do=findComment&amp;comment={p.pid}"
    return (f'<article id="elComment_{p.pid}" class="cPost ipsBox ipsComment ipsComment_parent">'
            f'<aside class="ipsComment_author cAuthorPane"><h3 class="ipsType_sectionHead '
            f'cAuthorPane_author"><strong><a href="https://{HOST}/profile/{p.uid}-x/">'
            f'{escape(p.author)}</a></strong></h3><ul class="cAuthorPane_info"><li data-role='
            f'"group">{NOISE} Members</li></ul></aside><div class="ipsColumn ipsColumn_fluid">'
            f'<div id="comment-{p.pid}_wrap" data-commentid="{p.pid}" class="ipsComment_content">'
            f'<div class="ipsComment_meta"><a href="{link}" rel="nofollow">Posted <time datetime="'
            f'{p.when:%Y-%m-%dT%H:%M:%SZ}" title="{p.when:%m/%d/%Y %I:%M %p}">{p.when:%B %d, %Y}'
            f'</time></a></div><div class="cPost_contentWrap"><div data-role="commentContent" '
            f'class="ipsType_normal ipsType_richText">{quote}{paras}</div><div class="ipsItem'
            f'Controls">{NOISE} reactions</div></div><div data-role="memberSignature">{NOISE} sig'
            f'</div></div></div></article>')


# -- Simple Machines 2.0 ------------------------------------------------------------------

def smf(posts: list[Post], page: int = 1) -> str:
    """An SMF 2.0 topic page (dates without a stated zone)."""
    items = "".join(_smf_post(p) for p in posts)
    body = (f'<div class="navigate_section"><ul><li><a href="https://{HOST}/index.php"><span>'
            f'Example SMF</span></a> &#187;</li><li><a href="https://{HOST}/index.php?board=3.0">'
            f'<span>{SECTION}</span></a> &#187;</li><li class="last"><a href="https://{HOST}/'
            f'index.php?topic=7.0"><span>{escape(TITLE)}</span></a></li></ul></div>'
            f'<div id="forumposts"><form action="#" method="post">{items}</form></div>')
    url = f"https://{HOST}/index.php?topic=7.{(page - 1) * 10}"
    return _html(body, url=url)


def _smf_post(p: Post) -> str:
    quote = ""
    if p.quote:
        q = p.quote
        quote = (f'<div class="quoteheader"><div class="topslice_quote"><a href="https://{HOST}/'
                 f'index.php?topic=7.msg{q.pid}#msg{q.pid}">Quote from: {escape(q.author)} on '
                 f'{q.when:%B %d, %Y, %I:%M:%S %p}</a></div></div><blockquote class="bbc_standard_'
                 f'quote">{escape(q.quoted)}<br /></blockquote><div class="quotefooter"><div '
                 f'class="botslice_quote"></div></div>')
    on = "" if p.number == 1 else f"Reply #{p.number - 1}"
    return (f'<a id="msg{p.pid}"></a><div class="windowbg"><div class="post_wrapper">'
            f'<div class="poster"><h4><a href="https://{HOST}/index.php?action=profile;u={p.uid}"'
            f'>{escape(p.author)}</a></h4><ul class="reset smalltext"><li class="membergroup">'
            f'{NOISE} Newbie</li></ul></div><div class="postarea"><div class="flow_hidden">'
            f'<div class="keyinfo"><h5 id="subject_{p.pid}"><a href="https://{HOST}/index.php?'
            f'topic=7.msg{p.pid}#msg{p.pid}">Re: {escape(TITLE)}</a></h5><div class="smalltext">'
            f'&#171; <strong>{on} on:</strong> {p.when:%B %d, %Y, %I:%M:%S %p} &#187;</div>'
            f'</div></div><div class="post"><div class="inner" id="msg_{p.pid}">{quote}'
            f'{_paras(p)}</div></div></div><div class="moderatorbar"><div class="signature" '
            f'id="msg_{p.pid}_signature">{NOISE} signature</div></div></div></div>'
            f'<hr class="post_separator" />')


# -- Reddit -------------------------------------------------------------------------------

SUB = "r/syriancivilwar"
PERMA = "/r/syriancivilwar/comments/abc123/checkpoint_reports/"


def _md(words: list[str], quoted: str = "") -> str:
    quote = f"<blockquote><p>{escape(quoted)}</p></blockquote>" if quoted else ""
    return f'<div class="md">{quote}' + "".join(f"<p>{escape(w)}</p>" for w in words) + "</div>"


def reddit_old(posts: list[Post]) -> str:
    """old.reddit.com: the submission (posts[0]) and nested comments."""
    op, comments = posts[0], posts[1:]
    nested = ""
    for p in reversed(comments):  # each comment answers the one before it
        nested = _old_thing(p, "comment", nested)
    link = _old_thing(op, "link", "")
    body = (f'<div class="side">{NOISE} sidebar</div><div class="content"><div id="siteTable" '
            f'class="sitetable linklisting">{link}</div><div class="commentarea"><div class='
            f'"sitetable nestedlisting">{nested}</div></div></div>')
    return _html(body, url=f"https://old.reddit.com{PERMA}")


def _old_thing(p: Post, kind: str, children: str) -> str:
    fullname = "t3_abc123" if kind == "link" else f"t1_c{p.number}"
    title = (f'<p class="title"><a class="title may-blank" href="{PERMA}">{escape(TITLE)}</a>'
             f'</p>') if kind == "link" else ""
    quoted = p.quote.quoted if p.quote else ""
    perma = PERMA if kind == "link" else f"{PERMA}c{p.number}/"
    return (f'<div class=" thing id-{fullname} {kind}" id="thing_{fullname}" data-fullname='
            f'"{fullname}" data-type="{kind}" data-author="{p.author.split()[0].lower()}" '
            f'data-subreddit="syriancivilwar" data-subreddit-prefixed="{SUB}" data-permalink='
            f'"{perma}"><div class="entry unvoted"><div class="top-matter">{title}<p class='
            f'"tagline"><a href="https://old.reddit.com/user/x" class="author">{p.author}</a>'
            f'<span class="score unvoted">{NOISE} 5 points</span> <time datetime="'
            f'{p.when:%Y-%m-%dT%H:%M:%S+00:00}" class="live-timestamp">8 years ago</time></p>'
            f'</div><form class="usertext"><div class="usertext-body">{_md(p.words, quoted)}'
            f'</div></form><ul class="flat-list buttons"><li>{NOISE} permalink</li></ul></div>'
            f'<div class="child">{children}</div></div>')


def reddit_new(posts: list[Post], json_only: list[Post]) -> str:
    """The current layout (shreddit elements) plus comments only in ``window.___r``."""
    op, comments = posts[0], posts[1:]
    items = "".join(
        f'<shreddit-comment author="{p.author.split()[0].lower()}" thingid="t1_c{p.number}" '
        f'depth="0" permalink="{PERMA}c{p.number}/" postid="t3_abc123" parentid="t3_abc123">'
        f'<faceplate-timeago slot="commentMeta" ts="{p.when:%Y-%m-%dT%H:%M:%S.000Z}"><time>'
        f'8y ago</time></faceplate-timeago><div slot="comment">'
        f'{_md(p.words, p.quote.quoted if p.quote else "")}</div><div slot="actionRow">'
        f'{NOISE} Reply Share</div></shreddit-comment>' for p in comments)
    post = (f'<shreddit-post id="t3_abc123" permalink="{PERMA}" post-title="{escape(TITLE)}" '
            f'author="{op.author.split()[0].lower()}" subreddit-prefixed-name="{SUB}" '
            f'created-timestamp="{op.when:%Y-%m-%dT%H:%M:%S.000000+0000}"><div slot="text-body">'
            f'{_md(op.words)}</div></shreddit-post>')
    state = {"posts": {"models": {}}, "comments": {"models": {
        f"t1_c{p.number}": _json_comment(p) for p in json_only}}}
    script = f'<script id="data">window.___r = {json.dumps(state, ensure_ascii=False)};</script>'
    body = f"<shreddit-app>{post}<shreddit-comment-tree>{items}</shreddit-comment-tree>" \
           f"</shreddit-app>{script}"
    return _html(body, url=f"https://www.reddit.com{PERMA}")


def _json_comment(p: Post) -> dict:
    document = []
    if p.quote:
        document.append({"e": "blockquote", "c": [{"e": "par", "c": [
            {"e": "text", "t": p.quote.quoted}]}]})
    document += [{"e": "par", "c": [{"e": "text", "t": w}]} for w in p.words]
    return {"id": f"t1_c{p.number}", "author": p.author.split()[0].lower(),
            "created": int(p.when.timestamp() * 1000), "parentId": "t3_abc123",
            "permalink": f"{PERMA}c{p.number}/", "postId": "t3_abc123",
            "media": {"type": "rtjson", "richtextContent": {"document": document}}}


def reddit_2018(posts: list[Post]) -> str:
    """The 2018 layout saved with every comment only in the page state."""
    op = posts[0]
    state = {"posts": {"models": {"t3_abc123": {
        "id": "t3_abc123", "title": TITLE, "author": op.author.split()[0].lower(),
        "created": int(op.when.timestamp() * 1000), "permalink": f"https://www.reddit.com{PERMA}",
        "subreddit": {"name": "syriancivilwar"}, "media": {"type": "rtjson", "richtextContent": {
            "document": [{"e": "par", "c": [{"e": "text", "t": w}]} for w in op.words]}}}}},
        "comments": {"models": {f"t1_c{p.number}": _json_comment(p) for p in posts[1:]}}}
    script = f'<script id="data">window.___r = {json.dumps(state)};</script>'
    return _html(f'<div id="2x-container">{NOISE} loading</div>{script}',
                 url=f"https://www.reddit.com{PERMA}")


# -- vBulletin 5 and Discourse's crawler view ---------------------------------------------

def vbulletin5(posts: list[Post], page: int = 1) -> str:
    """A vBulletin 5 thread page (``<time datetime>`` without a zone; the footer's zone)."""
    items = "".join(_vb5_post(p) for p in posts)
    body = (f'<ul id="breadcrumbs"><li class="crumb"><a class="crumb-link" href="https://{HOST}/'
            f'forum">Forum</a></li><li class="crumb"><a class="crumb-link" href="https://{HOST}/'
            f'forum/roads">{SECTION}</a></li></ul><h1 class="main-title js-main-title">'
            f'{escape(TITLE)}</h1><ul class="conversation-list thread-view">{items}</ul>'
            f'<div id="footer-copyright">All times are GMT+1. This page was generated at 09:41 '
            f'AM.</div>')
    return _html(body, url=f"https://{HOST}/forum/roads/7-checkpoint-reports")


def _vb5_post(p: Post) -> str:
    local = p.when.astimezone(dt.timezone(dt.timedelta(hours=1)))
    quote = ""
    if p.quote:
        q = p.quote
        quote = (f'<div class="bbcode_container"><div class="bbcode_quote printable">'
                 f'<div class="quote_container"><div class="bbcode_quote_container b-icon">'
                 f'</div><div class="bbcode_postedby"><label>Quote</label> Originally Posted by'
                 f' <strong>{escape(q.author)}</strong> <a href="https://{HOST}/forum/roads/7-'
                 f'checkpoint-reports?p={q.pid}#post{q.pid}" rel="nofollow"><span class="b-icon">'
                 f'</span></a></div><div class="message">{escape(q.quoted)}</div></div></div>'
                 f'</div>')
    return (f'<li class="b-post js-post js-comment-entry__parent b-post--text" data-node-id='
            f'"{p.pid}" itemscope itemtype="http://schema.org/DiscussionForumPosting"><div '
            f'class="b-post__grid"><div class="b-userinfo" itemprop="author"><div class="author'
            f' h-text-size--14"><strong><a href="https://{HOST}/member/{p.uid}-x" itemprop="url">'
            f'<span itemprop="name">{escape(p.author)}</span></a></strong></div><div class="b-'
            f'userinfo__rank">{NOISE} Member</div></div><div class="b-post__body"><div class="b-'
            f'post__content js-post__content"><div class="b-post__timestamp"><time itemprop='
            f'"dateCreated" datetime="{local:%Y-%m-%dT%H:%M:%S}">{local:%b %d, %Y, %I:%M %p}'
            f'</time></div><a class="b-post__count" href="https://{HOST}/forum/roads/7-checkpoint'
            f'-reports?p={p.pid}#post{p.pid}">#{p.number}</a><div class="js-post__content-'
            f'wrapper"><div class="js-post__content-text restore h-wordwrap" itemprop="text">'
            f'{quote}{_paras(p)}</div></div><div class="b-post__signature">{NOISE} sig</div>'
            f'</div></div></div></li>')


def discourse_crawler(posts: list[Post]) -> str:
    """A Discourse topic as served without JavaScript (the crawler view)."""
    items = "".join(_crawler_post(p) for p in posts)
    body = (f'<div id="main-outlet"><h1><a href="https://{HOST}/t/checkpoint-reports/7">'
            f'{escape(TITLE)}</a></h1><div id="breadcrumbs"><a href="/c/roads/3" itemprop="item">'
            f'<span itemprop="name">{SECTION}</span></a></div>{items}</div>')
    return _html(body, url=f"https://{HOST}/t/checkpoint-reports/7")


def _crawler_post(p: Post) -> str:
    handle = p.author.split()[0].lower()
    quote = discourse_quote(p)
    paras = "".join(f"<p>{escape(w)}</p>" for w in p.words)
    return (f'<div id="post_{p.number}" itemprop="comment" class="topic-body crawler-post">'
            f'<div class="crawler-post-meta"><span class="creator" itemprop="author"><a itemprop='
            f'"url" href="https://{HOST}/u/{handle}"><span itemprop="name">{handle}</span></a> '
            f'({escape(p.author)})</span><span class="crawler-post-infos"><time itemprop="date'
            f'Published" datetime="{p.when:%Y-%m-%dT%H:%M:%SZ}" class="post-time">'
            f'{p.when:%B %d, %Y}</time><span itemprop="position">{p.number}</span></span></div>'
            f'<div class="post" itemprop="text">{quote}{paras}</div><div itemprop="interaction'
            f'Statistic"><span class="post-likes">{NOISE} 3 Likes</span></div></div>')
