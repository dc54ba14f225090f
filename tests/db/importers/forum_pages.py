"""Thread pages built here, from each forum engine's public templates, with our own words.

Every page carries what must never become text (signatures, user titles, likes bars,
adverts, navigation: each contains a NOISE marker) and a quote of an earlier post. The
benchmark (tests/bench/bench_forums.py) builds its 250 pages with these functions too.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from html import escape

from hijridate import Gregorian

NOISE = "NOISEMARK"
HOST = "forum.example.org"
TITLE = "Checkpoint reports from the north road"
SECTION = "Roads and travel"
AUTHORS = [("Alice Martin", 41), ("Bob Okafor", 42), ("Chen Wei", 43), ("Dana Haddad", 44)]
AR_AUTHORS = [("أبو محمد", 71), ("ناصر الدين", 72), ("أم سلمى", 73)]
BASE = dt.datetime(2016, 7, 2, 9, 5, tzinfo=dt.UTC)


@dataclass
class Post:
    """One post of a made-up thread; ``quote`` is the earlier post it quotes."""

    number: int
    author: str
    uid: int
    when: dt.datetime
    words: list[str]
    quote: Post | None = None
    pid: int = 0
    extra: dict = field(default_factory=dict)

    @property
    def quoted(self) -> str:
        """The words of this post that a later post quotes."""
        return self.words[0]


def _post(number: int, arabic: bool) -> Post:
    people = AR_AUTHORS if arabic else AUTHORS
    name, uid = people[(number - 1) % len(people)]
    words = ([f"المشاركة {number}: الطريق عند الكيلومتر {number} مفتوح.", "والحمد لله."]
             if arabic else [f"Post {number} says the road at kilometre {number} was open.",
                             "Second paragraph, café & naïve."])
    return Post(number, name, uid, BASE + dt.timedelta(minutes=47 * (number - 1)), words,
                pid=1000 + number)


def thread_posts(n: int, arabic: bool = False, start: int = 1) -> list[Post]:
    """Posts ``start``..``start + n - 1`` of a thread; every third quotes the one before."""
    posts: list[Post] = []
    for number in range(start, start + n):
        post = _post(number, arabic)
        if number % 3 == 0:
            post.quote = posts[-1] if posts else _post(number - 1, arabic)
        posts.append(post)
    return posts


def _paras(post: Post) -> str:
    return "<br />\n".join(escape(w) for w in post.words)


def _ad() -> str:
    return f'<div class="ad_global_below_first_post">{NOISE} advert</div>'


def _html(body: str, *, lang: str = "en", head: str = "", rtl: bool = False,
          saved: dt.datetime | None = None, url: str = "") -> str:
    comment = ""
    if saved or url:
        comment = (f"<!--\n Page saved with SingleFile \n url: {url} \n saved date: "
                   f"{saved:%a %b %d %Y %H:%M:%S} GMT+0000 (Coordinated Universal Time)\n-->"
                   if saved else f"<!-- saved from url=({len(url):04d}){url} -->")
    direction = ' dir="rtl"' if rtl else ""
    return (f'<!DOCTYPE html>\n{comment}\n<html lang="{lang}"{direction}><head>'
            f'<meta charset="utf-8"><title>{escape(TITLE)}</title>{head}</head>'
            f"<body><nav>{NOISE} navigation</nav>{body}</body></html>")


# -- XenForo 2 ---------------------------------------------------------------------------

def xenforo(posts: list[Post], page: int = 1, saved=None) -> str:
    """A XenForo 2 thread page (German board, times in UTC+2)."""
    url = f"https://{HOST}/threads/checkpoint-reports.7/" + (f"page-{page}" if page > 1 else "")
    items = "".join(_xf_post(p) for p in posts)
    body = (f'<div class="p-breadcrumbs"><ul class="p-breadcrumbs">'
            f'<li itemprop="itemListElement"><a href="/"><span itemprop="name">Foren</span>'
            f'</a></li>'
            f'<li itemprop="itemListElement"><a href="/forums/roads.3/">'
            f'<span itemprop="name">{SECTION}</span></a></li></ul></div>'
            f'<h1 class="p-title-value">{escape(TITLE)}</h1>'
            f'<div class="block-body js-replyNewMessageContainer">{items}</div>')
    head = '<meta property="og:site_name" content="Beispielforum">'
    return _html(body, lang="de-DE", head=head, url=url, saved=saved)


def _xf_post(p: Post) -> str:
    local = p.when.astimezone(dt.timezone(dt.timedelta(hours=2)))
    quote = ""
    if p.quote:
        q = p.quote
        quote = (f'<blockquote data-attributes="member: {q.uid}" data-quote="{escape(q.author)}" '
                 f'data-source="post: {q.pid}" class="bbCodeBlock bbCodeBlock--expandable '
                 f'bbCodeBlock--quote js-expandWatch"><div class="bbCodeBlock-title">'
                 f'<a href="/goto/post?id={q.pid}" class="bbCodeBlock-sourceJump">'
                 f'{escape(q.author)} said:</a></div><div class="bbCodeBlock-content">'
                 f'<div class="bbCodeBlock-expandContent js-expandContent">{escape(q.quoted)}'
                 f'</div><div class="bbCodeBlock-expandLink js-expandLink"><a role="button">'
                 f'{NOISE} Click to expand...</a></div></div></blockquote>')
    return (f'<article class="message message--post js-post js-inlineModContainer" '
            f'data-author="{escape(p.author)}" data-content="post-{p.pid}" id="js-post-{p.pid}">'
            f'<div class="message-inner"><div class="message-cell message-cell--user">'
            f'<section class="message-user"><div class="message-userDetails">'
            f'<h4 class="message-name"><a href="/members/u.{p.uid}/" class="username" '
            f'data-user-id="{p.uid}">{escape(p.author)}</a></h4>'
            f'<h5 class="userTitle message-userTitle">{NOISE} Well-known member</h5>'
            f'</div></section></div><div class="message-cell message-cell--main">'
            f'<header class="message-attribution message-attribution--split">'
            f'<ul class="message-attribution-main listInline"><li class="u-concealed">'
            f'<a href="/threads/checkpoint-reports.7/post-{p.pid}" rel="nofollow">'
            f'<time class="u-dt" datetime="{local:%Y-%m-%dT%H:%M:%S%z}" '
            f'data-time="{int(p.when.timestamp())}">{local:%d.%m.%Y}</time></a></li></ul>'
            f'<ul class="message-attribution-opposite"><li><a href="/threads/'
            f'checkpoint-reports.7/post-{p.pid}">#{p.number}</a></li></ul></header>'
            f'<div class="message-content js-messageContent"><div class="message-userContent">'
            f'<article class="message-body js-selectToQuote"><div class="bbWrapper">{quote}'
            f'{_paras(p)}</div></article></div>'
            f'<aside class="message-signature"><div class="bbWrapper">{NOISE} signature</div>'
            f'</aside></div><footer class="message-footer"><div class="reactionsBar">'
            f'{NOISE} likes</div></footer></div></div></article>')


# -- vBulletin 4 (English) and 3 (Arabic) ------------------------------------------------

def _us_date(when: dt.datetime, saved: dt.datetime | None) -> str:
    day = f"{when:%m-%d-%Y}"
    if saved and when.date() == saved.astimezone(when.tzinfo).date():
        day = "Today"
    elif saved and when.date() == saved.astimezone(when.tzinfo).date() - dt.timedelta(days=1):
        day = "Yesterday"
    return f"{day},&nbsp;<span class=\"time\">{when:%I:%M %p}</span>"


def vbulletin4(posts: list[Post], page: int = 1, saved=None) -> str:
    """A vBulletin 4 thread page, times in GMT +1 (relative days when ``saved``)."""
    tz = dt.timezone(dt.timedelta(hours=1))
    items = "".join(_vb4_post(p, p.when.astimezone(tz), saved) for p in posts)
    body = (f'<div id="breadcrumb" class="breadcrumb"><ul class="floatcontainer">'
            f'<li class="navbithome"><a href="index.php">Home</a></li>'
            f'<li class="navbit"><a href="forum.php">Forum</a></li>'
            f'<li class="navbit"><a href="forumdisplay.php?f=3">{SECTION}</a></li>'
            f'<li class="navbit lastnavbit"><span>{escape(TITLE)}</span></li></ul></div>'
            f'<div id="pagetitle"><h1>Thread: <span class="threadtitle">'
            f'<a href="showthread.php?t=7">{escape(TITLE)}</a></span></h1></div>'
            f'<div id="postlist" class="postlist restrain"><ol id="posts" class="posts">'
            f'{items}</ol></div>{_ad()}<div id="footer_time" class="shade footer_time">'
            f'All times are GMT +1. The time now is <span class="time">03:41 PM</span>.</div>'
            f'<form><input type="hidden" name="t" value="7" /></form>')
    head = '<meta name="generator" content="vBulletin 4.2.5" />'
    url = f"https://{HOST}/showthread.php?t=7" + (f"&page={page}" if page > 1 else "")
    return _html(body, head=head, saved=saved, url=url)


def _vb4_post(p: Post, local: dt.datetime, saved) -> str:
    quote = ""
    if p.quote:
        q = p.quote
        quote = (f'<div class="bbcode_container"><div class="bbcode_quote">'
                 f'<div class="quote_container"><div class="bbcode_quote_container"></div>'
                 f'<div class="bbcode_postedby"><img src="quote_icon.png" alt="Quote" />'
                 f' Originally Posted by <strong>{escape(q.author)}</strong> '
                 f'<a href="showthread.php?p={q.pid}#post{q.pid}" rel="nofollow">'
                 f'<img class="inlineimg" src="viewpost-right.png" alt="View Post" /></a></div>'
                 f'<div class="message">{escape(q.quoted)}</div></div></div></div>')
    return (f'<li class="postbitlegacy postbitim postcontainer old" id="post_{p.pid}">'
            f'<div class="posthead"><span class="postdate old"><span class="date">'
            f'{_us_date(local, saved)}</span></span><span class="nodecontrols">'
            f'<a name="post{p.pid}" href="showthread.php?t=7&amp;p={p.pid}#post{p.pid}" '
            f'class="postcounter">#{p.number}</a></span></div><div class="postdetails">'
            f'<div class="userinfo"><div class="username_container"><a class="username offline '
            f'popupctrl" href="member.php?u={p.uid}"><strong>{escape(p.author)}</strong></a>'
            f'</div><span class="usertitle">{NOISE} Senior Member</span></div>'
            f'<div class="postbody"><div class="postrow has_after_content">'
            f'<div class="content"><div id="post_message_{p.pid}"><blockquote class="postcontent'
            f' restore">{quote}{_paras(p)}</blockquote></div></div></div>'
            f'<div class="after_content"><blockquote class="signature restore">'
            f'<div class="signaturecontainer">{NOISE} signature</div></blockquote></div>'
            f'</div></div><div class="postfoot"><span class="postcontrols">{NOISE} Reply With'
            f' Quote</span></div></li>')


_HIJRI_MONTHS = ["محرم", "صفر", "ربيع الأول", "ربيع الثاني", "جمادى الأولى", "جمادى الآخرة",
                 "رجب", "شعبان", "رمضان", "شوال", "ذو القعدة", "ذو الحجة"]
_AR_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def arabic_date(when: dt.datetime, style: str) -> str:
    """"12 رمضان 1437، 02:51 م" (hijri) or "٠٢-٠٧-٢٠١٦، ٠٢:٥١ م" (indic)."""
    half = "م" if when.hour >= 12 else "ص"
    clock = f"{when:%I:%M} {half}"
    if style == "hijri":
        h = Gregorian(when.year, when.month, when.day).to_hijri()
        return f"{h.day} {_HIJRI_MONTHS[h.month - 1]} {h.year}، {clock}"
    return f"{when:%d-%m-%Y}، {clock}".translate(_AR_DIGITS)


def vbulletin3_arabic(posts: list[Post], page: int = 1, style: str = "hijri") -> str:
    """An Arabic vBulletin 3.8 thread page, right to left, times in GMT +3."""
    tz = dt.timezone(dt.timedelta(hours=3))
    items = "".join(_vb3_post(p, arabic_date(p.when.astimezone(tz), style)) for p in posts)
    body = (f'<table class="tborder"><tr><td class="alt1"><span class="navbar">'
            f'<a href="index.php">منتدى المثال</a></span> <span class="navbar">&gt; '
            f'<a href="forumdisplay.php?f=5">الطرق والسفر</a></span></td></tr><tr>'
            f'<td class="navbar"><strong>تقارير الحواجز على الطريق الشمالي</strong></td></tr>'
            f'</table><div id="posts">{items}</div>{_ad()}'
            f'<div class="smallfont" align="center">جميع الأوقات بتوقيت GMT +3. الساعة الآن '
            f'<span class="time">03:41 م</span>.</div>'
            f'<input type="hidden" name="threadid" value="9" />')
    url = f"http://{HOST}/vb/showthread.php?t=9" + (f"&page={page}" if page > 1 else "")
    return _html(body, lang="ar", rtl=True, url=url)


def _vb3_post(p: Post, shown: str) -> str:
    quote = ""
    if p.quote:
        q = p.quote
        quote = (f'<div style="margin:20px; margin-top:5px; "><div class="smallfont" '
                 f'style="margin-bottom:2px">اقتباس:</div><table cellpadding="6"><tr>'
                 f'<td class="alt2" style="border:1px inset"><div>المشاركة الأصلية كتبت بواسطة '
                 f'<strong>{escape(q.author)}</strong> <a href="showthread.php?p={q.pid}#post'
                 f'{q.pid}" rel="nofollow"><img class="inlineimg" src="viewpost.gif" alt="عرض '
                 f'المشاركة" /></a></div><div style="font-style:italic">{escape(q.quoted)}</div>'
                 f'</td></tr></table></div>')
    return (f'<!-- post #{p.pid} --><div id="edit{p.pid}"><table class="tborder" '
            f'id="post{p.pid}"><tr><td class="thead"><a name="post{p.pid}">'
            f'<img class="inlineimg" src="post_old.gif" alt="قديم" /></a> {shown} </td>'
            f'<td class="thead" align="left">#<a href="showpost.php?p={p.pid}&amp;postcount='
            f'{p.number}" id="postcount{p.pid}" name="{p.number}"><strong>{p.number}</strong>'
            f'</a></td></tr><tr valign="top"><td class="alt2" width="175">'
            f'<div id="postmenu_{p.pid}"><a class="bigusername" href="member.php?u={p.uid}">'
            f'{escape(p.author)}</a></div><div class="smallfont">{NOISE} عضو مميز</div></td>'
            f'<td class="alt1" id="td_post_{p.pid}"><div id="post_message_{p.pid}">{quote}'
            f'{_paras(p)}</div><div>__________________<br />{NOISE} توقيع</div></td></tr>'
            f'</table></div>')


# -- phpBB 3.2 ----------------------------------------------------------------------------

def phpbb(posts: list[Post], page: int = 1, per_page: int = 10) -> str:
    """A phpBB 3.2 prosilver topic page."""
    items = "".join(_phpbb_post(p) for p in posts)
    start = (page - 1) * per_page
    body = (f'<ul id="nav-breadcrumbs" class="nav-breadcrumbs"><li class="breadcrumbs">'
            f'<span class="crumb"><a href="./index.php"><span itemprop="name">Board index'
            f'</span></a></span><span class="crumb" data-forum-id="3"><a href="./viewforum.php'
            f'?f=3"><span itemprop="name">{SECTION}</span></a></span></li></ul>'
            f'<div id="page-body"><h2 class="topic-title"><a href="./viewtopic.php?f=3&amp;t=7">'
            f'{escape(TITLE)}</a></h2>{items}</div>'
            f'<p class="right responsive-center time">All times are <span title="Europe/Berlin">'
            f'UTC+01:00</span></p>')
    url = f"https://{HOST}/viewtopic.php?f=3&t=7" + (f"&start={start}" if start else "")
    return _html(body, head='<meta property="og:site_name" content="Example Board">', url=url)


def _phpbb_post(p: Post) -> str:
    quote = ""
    if p.quote:
        q = p.quote
        quote = (f'<blockquote cite="./viewtopic.php?p={q.pid}#p{q.pid}"><div><cite>'
                 f'<a href="./memberlist.php?mode=viewprofile&amp;u={q.uid}">{escape(q.author)}'
                 f'</a> wrote: <a href="./viewtopic.php?p={q.pid}#p{q.pid}" data-post-id="{q.pid}"'
                 f'>↑</a><span class="responsive-hide">Sat Jul 02, 2016</span></cite>'
                 f'{escape(q.quoted)}</div></blockquote>')
    profile = f"./memberlist.php?mode=viewprofile&amp;u={p.uid}"
    return (f'<div id="p{p.pid}" class="post has-profile bg2"><div class="inner">'
            f'<dl class="postprofile" id="profile{p.pid}"><dt><a href="{profile}" class="username">'
            f'{escape(p.author)}</a></dt><dd class="profile-rank">{NOISE} rank</dd></dl>'
            f'<div class="postbody"><div id="post_content{p.pid}"><h3><a href="#p{p.pid}">'
            f'Re: {escape(TITLE)}</a></h3><ul class="post-buttons"><li>{NOISE} quote</li></ul>'
            f'<p class="author"><a href="./viewtopic.php?p={p.pid}#p{p.pid}"><span>Post</span>'
            f'</a> <span class="responsive-hide">by <strong><a href="{profile}" class="username">'
            f'{escape(p.author)}</a></strong> &raquo; </span><time datetime="'
            f'{p.when:%Y-%m-%dT%H:%M:%S+00:00}">{p.when:%a %b %d, %Y %I:%M %p}</time></p>'
            f'<div class="content">{quote}{_paras(p)}</div><div id="sig{p.pid}" class="signature">'
            f'{NOISE} signature</div></div></div></div></div>')


# -- Discourse (the app's view) -----------------------------------------------------------

def discourse(posts: list[Post], page: int = 1) -> str:
    """A Discourse topic as the browser renders it."""
    items = "".join(_discourse_post(p) for p in posts)
    body = (f'<div id="topic-title"><h1 data-topic-id="7"><a href="/t/checkpoint-reports/7" '
            f'class="fancy-title">{escape(TITLE)}</a></h1><div class="topic-category">'
            f'<a class="badge-category__wrapper" href="/c/roads/3"><span class="badge-category__'
            f'name">{SECTION}</span></a></div></div><div class="post-stream">{items}</div>')
    head = '<meta name="generator" content="Discourse 3.2.0">'
    return _html(body, head=head, url=f"https://{HOST}/t/checkpoint-reports/7")


def discourse_quote(p: Post) -> str:
    """The ``aside.quote`` of ``p``'s quote (the app's view and the crawler's alike), or ""."""
    if not p.quote:
        return ""
    q, handle = p.quote, p.quote.author.split()[0].lower()
    return (f'<aside class="quote no-group" data-username="{handle}" data-post="{q.number}" '
            f'data-topic="7"><div class="title"><div class="quote-controls"></div>{handle}:'
            f'</div><blockquote><p>{escape(q.quoted)}</p></blockquote></aside>')


def _discourse_post(p: Post) -> str:
    handle = p.author.split()[0].lower()
    quote = discourse_quote(p)
    paras = "".join(f"<p>{escape(w)}</p>" for w in p.words)
    return (f'<div class="topic-post clearfix regular"><article id="post_{p.number}" '
            f'data-post-id="{p.pid}" data-topic-id="7" data-user-id="{p.uid}" class="boxed">'
            f'<div class="row"><div class="topic-body clearfix"><div role="heading" class="topic-'
            f'meta-data"><div class="names trigger-user-card"><span class="first username">'
            f'<a href="/u/{handle}" data-user-card="{handle}">{handle}</a></span>'
            f'<span class="second full-name"><a href="/u/{handle}">{escape(p.author)}</a></span>'
            f'<span class="user-title">{NOISE} Regular</span></div><div class="post-infos">'
            f'<div class="post-info post-date"><a class="widget-link post-date" href="/t/'
            f'checkpoint-reports/7/{p.number}"><span title="{p.when:%b %d, %Y %I:%M %p}" '
            f'data-time="{int(p.when.timestamp() * 1000)}" class="relative-date">'
            f'{p.when:%b \'%y}</span></a></div></div></div><div class="regular contents">'
            f'<div class="cooked">{quote}{paras}</div><section class="post-menu-area clearfix">'
            f'{NOISE} 3 likes</section></div></div></div></article></div>')
