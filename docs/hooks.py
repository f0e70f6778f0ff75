"""mkdocs hook: render the reStructuredText maths of numpydoc docstrings with MathJax.

The docstrings write inline maths as ``:math:`...``` and display maths as a
``.. math::`` directive (what Sphinx reads). mkdocstrings renders them as Markdown: the
role becomes ``:math:<code>...</code>`` and the directive a paragraph followed by a code
block. This hook rewrites both into the ``arithmatex`` spans MathJax typesets.
"""

from __future__ import annotations

import re

_INLINE = re.compile(r":math:<code>(.*?)</code>", re.S)
_BLOCK = re.compile(
    r"<p>\.\. math::</p>\s*(?:<div class=\"highlight\">)?<pre>(?:<span></span>)?<code>(.*?)</code></pre>(?:</div>)?",
    re.S,
)
_TAGS = re.compile(r"<[^>]+>")


def _tex(fragment: str) -> str:
    # drop highlighting spans, keep the (still HTML-escaped) TeX
    return _TAGS.sub("", fragment).strip()


def on_page_content(html_text: str, **kwargs) -> str:
    html_text = _BLOCK.sub(lambda m: f'<div class="arithmatex">\\[{_tex(m.group(1))}\\]</div>', html_text)
    html_text = _INLINE.sub(lambda m: f'<span class="arithmatex">\\({_tex(m.group(1))}\\)</span>', html_text)
    return html_text

