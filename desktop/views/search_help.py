"""The query language, as the Search panel's help shows it (README.md says the same)."""

HELP_HTML = """
<h3>Searching</h3>
<p>Type words to find every place they occur, in English, Arabic or both. Case, accents
(é = e), Arabic diacritics (harakat) and tatweel are ignored; أ إ آ ٱ match ا and ى
matches ي. Each hit is one row: the words before it, the hit, the words after it.
Double-click a row to open the source at that hit.</p>
<table cellspacing="4">
<tr><td><code>raqqa mosul</code></td><td>both words, anywhere in the same source</td></tr>
<tr><td><code>raqqa OR الرقة</code></td><td>either word</td></tr>
<tr><td><code>aid NOT convoy</code>, <code>aid -convoy</code></td>
  <td>sources with <i>aid</i> but without <i>convoy</i></td></tr>
<tr><td><code>(aid OR water) camps</code></td><td>parentheses group; AND binds tighter
  than OR; only capital AND, OR, NOT are operators</td></tr>
<tr><td><code>"aid convoy"</code></td><td>the words next to each other, in this order</td></tr>
<tr><td><code>"fallujah airstrikes"~10</code></td>
  <td>the words within 10 words of each other, in any order</td></tr>
<tr><td><code>recon*</code>, <code>wom?n</code></td><td><code>*</code> any letters,
  <code>?</code> one letter; at least 3 letters before the first wildcard</td></tr>
<tr><td><code>famlies~</code>, <code>famlies~2</code></td>
  <td>similar spellings (one or two letters different)</td></tr>
<tr><td><code>#SDFfreedRaqqa</code>, <code>@Raqqa_SL</code></td>
  <td>a hashtag or mention; <code>raqqa</code> also finds it by its parts</td></tr>
</table>
<h4>Fields</h4>
<table cellspacing="4">
<tr><td><code>author:smith</code>, <code>author:"John Smith"</code></td><td>the author</td></tr>
<tr><td><code>handle:@raqqa_sl</code>, <code>platform:twitter</code></td>
  <td>account and platform of a post</td></tr>
<tr><td><code>lang:ar</code>, <code>kind:article</code></td><td>language; article or post</td></tr>
<tr><td><code>collection:"Raqqa 2017"</code></td>
  <td>in a collection (or its sub-collections)</td></tr>
<tr><td><code>code:Displacement</code></td><td>limits the hits to passages coded so (or
  with a sub-code); alone, lists those passages</td></tr>
<tr><td><code>has:footnote</code>, <code>has:memo</code>, <code>has:code</code></td>
  <td>sources with footnotes, memos or codings</td></tr>
<tr><td><code>-in:quote</code>, <code>in:quote</code></td>
  <td>leave out the text posts quote from others, or search only it</td></tr>
<tr><td><code>title:</code>, <code>note:</code>, <code>memo:</code></td>
  <td>words in titles, footnotes or memos only (plain words search the text and its
  footnotes; memos only with <code>memo:</code>)</td></tr>
<tr><td><code>date:2017</code>, <code>date:2017-10</code>,
  <code>date:2017-10-01..2017-10-31</code>, <code>date:2017-10-01..</code>,
  <code>date:..2016</code></td><td>a year, a month, a range, an open range</td></tr>
</table>
<h4>Exact or word forms</h4>
<p><b>Word forms</b> (stemmed) also finds other forms of a word: <i>airstrike</i> finds
<i>airstrikes</i>, <i>المدارس</i> finds <i>مدرسة</i> (light stemming). Wildcards and
hashtags always match as written.</p>
"""
