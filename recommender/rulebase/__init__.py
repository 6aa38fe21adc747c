"""The rule base: the YAML files read safely (``yamlio``), checked against shapes declared as data
(``schema``), compiled into frozen dataclasses (``model``, ``conditions``) by one loader (``load``),
cached (``cache``), and the profiles users write against it (``profiles``). Nothing here scores
anything; that is :mod:`recommender.scoring`.
"""
