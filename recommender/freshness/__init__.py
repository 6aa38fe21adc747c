"""``rules freshness``: check what the knowledge says about packages against a package index.

``claims`` finds every claim the rule base makes about a package; ``pipconf`` chooses the index as
pip would; ``fetch`` is the HTTP transport (a seam: any function from URL to
:class:`fetch.Response`); ``simple`` reads one PEP 691 page and ``releases`` dates its releases;
``index`` asks for every package in parallel; ``checks`` holds the flag rules and ``report`` the
output formats. Nothing here is imported by other commands.
"""
