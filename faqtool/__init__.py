"""faqtool: check and import FAQ spreadsheets into the training data.

Support staff write questions and answers in a spreadsheet (CSV) or a YAML
list; ``python -m faqtool check`` validates them and ``python -m faqtool
import`` writes one ``data/faq/<key>.yml`` file per key. See docs/faq.md.
"""
