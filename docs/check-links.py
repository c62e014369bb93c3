#!/usr/bin/env python3
"""Checks that every relative link and image of the documentation resolves.

Reads README.md, CHANGELOG.md and every docs/**/*.md of the repository this file sits in.
For each Markdown link or image (`[text](target)`, `![alt](target)`, `[id]: target`) and
each HTML `href`/`src`, outside code blocks and code spans, a relative target must name an
existing file or folder, and a `#fragment` must name a heading (or an `id`) of the target
Markdown file. Every page under docs/src/ must also be listed in docs/src/SUMMARY.md, since
mdBook leaves out the pages it does not list.

Prints each problem as `file:line: message` and exits 1 when there is any, 0 otherwise.
Python 3 standard library only; run from anywhere: `python3 docs/check-links.py`.
"""

import re
import sys
import unicodedata
from pathlib import Path
from urllib.parse import unquote

ROOT = Path(__file__).resolve().parent.parent
BOOK_SRC = ROOT / "docs" / "src"
SUMMARY = BOOK_SRC / "SUMMARY.md"

# A link or image: text with at most one level of nested brackets, then the target in
# parentheses, optionally in angle brackets and followed by a title.
INLINE = re.compile(
    r"!?\[((?:[^\[\]]|\[[^\[\]]*\])*)\]"
    r"\(\s*(<[^>\n]*>|[^()\s]+)(?:\s+(?:\"[^\"]*\"|'[^']*'|\([^)]*\)))?\s*\)"
)
REFERENCE = re.compile(r"^ {0,3}\[[^\]]+\]:\s*(<[^>\n]*>|\S+)", re.MULTILINE)
HTML = re.compile(r"<(?:a|img|source)\b[^>]*?\b(?:href|src)\s*=\s*[\"']([^\"']*)[\"']", re.I)
HTML_ID = re.compile(r"<[a-z][^>]*?\b(?:id|name)\s*=\s*[\"']([^\"']+)[\"']", re.I)
FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def files():
    """The Markdown files to check, sorted."""
    found = [ROOT / "README.md", ROOT / "CHANGELOG.md"]
    found += sorted(
        p for p in (ROOT / "docs").rglob("*.md") if "book" not in p.relative_to(ROOT / "docs").parts[:1]
    )
    return [p for p in found if p.is_file()]


def blank_code(text):
    """The text with fenced code blocks and code spans replaced by spaces (lines kept)."""
    out, fence = [], None
    for line in text.split("\n"):
        opening = FENCE.match(line)
        if fence is None and opening:
            fence = opening.group(1)[0] * len(opening.group(1))
            out.append("")
        elif fence is not None:
            if line.strip().startswith(fence) and set(line.strip()) <= {fence[0]}:
                fence = None
            out.append("")
        else:
            out.append(CODE_SPAN.sub(lambda m: " " * len(m.group(0)), line))
    return "\n".join(out)


def slug(title):
    """GitHub's anchor of a heading: lower case, letters, marks, digits, `_` and `-`
    kept, spaces made `-`, everything else dropped."""
    title = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", title)  # links keep their text
    kept = []
    for ch in title.strip().lower():
        if ch == " ":
            kept.append("-")
        elif ch in "-_" or unicodedata.category(ch)[0] in "LMN":
            kept.append(ch)
    return "".join(kept)


def loose(anchor):
    """An anchor without combining marks: mdBook drops the Thai vowel and tone marks that
    GitHub keeps, so an anchor is accepted when it matches either way."""
    return "".join(ch for ch in anchor.lower() if unicodedata.category(ch)[0] != "M")


def anchors(path, cache={}):
    """Every anchor a Markdown file offers: its headings' slugs (with GitHub's -1, -2 for
    repeats) and explicit ids."""
    if path in cache:
        return cache[path]
    text = blank_code(path.read_text(encoding="utf-8"))
    found, seen = set(), {}
    lines = text.split("\n")
    for i, line in enumerate(lines):
        title = None
        atx = re.match(r"^ {0,3}#{1,6}(?:\s+(.*?))?\s*#*\s*$", line)
        if atx:
            title = atx.group(1) or ""
        elif (
            i + 1 < len(lines)
            and line.strip()
            and re.match(r"^ {0,3}(=+|-+)\s*$", lines[i + 1])
            and not re.match(r"^ {0,3}([-*+]|\d+[.)])\s", line)
        ):
            title = line.strip()
        if title is None:
            continue
        explicit = re.search(r"\{#([^}\s]+)\}\s*$", title)
        if explicit:
            found.add(explicit.group(1).lower())
            title = title[: explicit.start()]
        base = slug(title)
        count = seen.get(base, 0)
        seen[base] = count + 1
        found.add(base if count == 0 else f"{base}-{count}")
    found |= {m.group(1).lower() for m in HTML_ID.finditer(text)}
    cache[path] = found | {loose(a) for a in found}
    return cache[path]


def targets(text):
    """(offset, target) of every link and image in text whose code is blanked."""
    found = []

    def inline(chunk, base):
        for m in INLINE.finditer(chunk):
            found.append((base + m.start(2), m.group(2)))
            inline(m.group(1), base + m.start(1))  # an image inside a link's text

    inline(text, 0)
    found += [(m.start(1), m.group(1)) for m in REFERENCE.finditer(text)]
    found += [(m.start(1), m.group(1)) for m in HTML.finditer(text)]
    return sorted(found)


def problem(source, target):
    """What is wrong with one link target, or None."""
    target = target.strip()
    if target.startswith("<") and target.endswith(">"):
        target = target[1:-1].strip()
    if not target or SCHEME.match(target) or target.startswith("//"):
        return None  # web addresses and mail are not checked here
    path_part, _, fragment = target.partition("#")
    path_part = unquote(path_part.split("?", 1)[0])
    if path_part.startswith("/"):
        return "absolute path: a link must be relative to the file it is in"
    resolved = (source.parent / path_part).resolve() if path_part else source
    if path_part and not resolved.exists():
        return f"no such file: {display(resolved)}"
    if fragment and resolved.is_file() and resolved.suffix == ".md":
        wanted = unquote(fragment).lower()
        offered = anchors(resolved)
        if wanted not in offered and loose(wanted) not in offered:
            return f"no heading #{unquote(fragment)} in {display(resolved)}"
    return None


def display(path):
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


def summary_problems():
    """Pages under docs/src/ that docs/src/SUMMARY.md does not list."""
    if not SUMMARY.is_file():
        return []
    text = blank_code(SUMMARY.read_text(encoding="utf-8"))
    listed = {
        (SUMMARY.parent / unquote(t.partition("#")[0])).resolve()
        for _, t in targets(text)
        if not SCHEME.match(t)
    }
    return [
        f"{display(page)}:1: not listed in docs/src/SUMMARY.md (mdBook leaves it out)"
        for page in sorted(BOOK_SRC.rglob("*.md"))
        if page != SUMMARY and page.resolve() not in listed
    ]


def main():
    problems, checked = [], 0
    for source in files():
        text = blank_code(source.read_text(encoding="utf-8"))
        for offset, target in targets(text):
            checked += 1
            wrong = problem(source, target)
            if wrong:
                line = text.count("\n", 0, offset) + 1
                problems.append(f"{display(source)}:{line}: broken link `{target}`: {wrong}")
    problems += summary_problems()
    for line in problems:
        print(line)
    status = "broken" if problems else "ok"
    print(
        f"check-links: {checked} links and images in {len(files())} files, "
        f"{len(problems)} problem(s): {status}",
        file=sys.stderr,
    )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
