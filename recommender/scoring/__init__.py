"""Scoring: the one core every front end uses. Answers in, a
:class:`~recommender.scoring.result.Recommendation` out: which rules fire, who wins, ties, the
ranking with its reasons, why-not, the margin and the JSON record. Pure: no terminal, file or
network I/O.
"""
