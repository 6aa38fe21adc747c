"""``recommender batch``: profiles streamed in (``readers``), scored in chunks by the scoring core
(``run``), records streamed out (``writers``), with ``--probe`` marking winners usable here
(``probe``) and a progress line.
"""
