"""Chinese text normalisation, number parsing and custom Rasa NLU components.

`normalize` and `numbers` are pure Python; `components` imports Rasa.
"""
