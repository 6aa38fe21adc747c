"""``recommender ask``: the questionnaire's flow without a terminal (``flow``), the questionary
prompts (``prompts``, the only module that imports questionary) and the resume file kept on
interruption (``resume``).
"""
