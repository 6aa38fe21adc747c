"""``rules freshness``: check what the knowledge says about packages against a package index.

``claims`` finds every claim the rule base makes about a package; ``pipconf`` chooses the index as
pip would; ``fetch`` is the HTTP transport (a seam: any function from URL to
:class:`fetch.Response`); ``simple`` reads one PEP 691 page and ``releases`` dates its releases;
``index`` asks about every package in parallel; ``checks`` holds the flag rules; ``report`` is the
outcome and its JSON contract, ``render`` its formats, and ``run`` ties them together with the exit
code. Nothing here is imported by other commands.
"""
