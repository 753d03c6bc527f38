"""Validates the training data and domain: `rasa data validate`, stricter.

Rasa's validator warns about every response no story or rule uses, including
the responses that custom actions send (``dispatcher.utter_message(response=
"utter_x")``) and the ``utter_ask_<slot>`` questions forms send themselves.
This check accepts exactly those, and fails on every other warning or error.
It also checks the reverse, which Rasa does not: every response an action
sends exists in the domain.

Usage: python scripts/validate_data.py [--domain domain.yml] [--data data]
"""

from __future__ import annotations

import argparse
import re
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path

# Notices Rasa 3.6 prints whatever the data: on every domain load, and when
# the retrieval intent `faq` is listed in the domain (as Rasa's docs ask) and
# also comes from the NLU data.
ALWAYS_PRINTED = (
    re.compile(r"^Slot auto-fill has been removed in 3\.0"),
    re.compile(r"^The following duplicated intents have been found across multiple domain files: faq$"),
)
# Intents that only buttons send: a topic button of 猜您想问 names its FAQ key
# in an entity (actions/suggest.py); typed text reaches the FAQ through `faq`.
BUTTON_ONLY_INTENTS = {"choose_faq"}
INTENT_WITHOUT_EXAMPLES = re.compile(
    r"^The intent '(?P<name>[^']+)' is listed in the domain file, but is not found in the NLU training data\.$"
)
UNUSED_UTTERANCE = re.compile(r"The utterance '(?P<name>[^']+)' is not used in any story or rule")
# Responses Rasa's own default actions send (action_default_fallback,
# action_restart), and
# the retrieval action Rasa adds for the `faq` intent: its responses
# utter_faq/<key> are sent by action_answer_faq (actions/faq.py), not by it.
SENT_BY_RASA = {"utter_default", "utter_restart", "utter_faq"}
RESPONSE_IN_CODE = re.compile(r"""["'](?P<name>utter_[a-z0-9_/]+)["']""")


def responses_sent_by_actions(actions_dir: Path) -> set[str]:
    """Names of the responses the custom actions send."""
    names: set[str] = set()
    for path in sorted(actions_dir.rglob("*.py")):
        names.update(m.group("name") for m in RESPONSE_IN_CODE.finditer(path.read_text("utf-8")))
    return names


def form_questions(domain) -> set[str]:
    """Responses a form sends itself to ask for its slots (utter_ask_[<form>_]<slot>)."""
    names = set()
    for form, definition in domain.forms.items():
        for slot in definition.get("required_slots", []):
            names |= {f"utter_ask_{slot}", f"utter_ask_{form}_{slot}"}
    return names & set(domain.responses)


def main(argv: Sequence[str] | None = None) -> int:
    """Runs the validation; returns the process exit code."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", default="config.yml")
    parser.add_argument("--domain", default="domain.yml")
    parser.add_argument("--data", default="data")
    parser.add_argument("--actions", default="actions", type=Path)
    args = parser.parse_args(argv)

    from rasa.cli.utils import validate_files
    from rasa.shared.importers.importer import TrainingDataImporter

    importer = TrainingDataImporter.load_from_config(args.config, args.domain, [args.data])
    sent = responses_sent_by_actions(args.actions)
    rasa_sent = sent | SENT_BY_RASA | form_questions(importer.get_domain())
    problems: list[str] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            validate_files(fail_on_warnings=False, max_history=None, importer=importer)
        except SystemExit:
            problems.append("rasa reported validation errors (see above)")
    for warning in caught:
        if not issubclass(warning.category, UserWarning):
            continue
        message = str(warning.message).split("\n")[0]
        if any(pattern.search(message) for pattern in ALWAYS_PRINTED):
            continue
        bare = INTENT_WITHOUT_EXAMPLES.search(message)
        if bare and bare.group("name") in BUTTON_ONLY_INTENTS:
            continue
        unused = UNUSED_UTTERANCE.search(message)
        if unused and unused.group("name") in rasa_sent:
            continue
        problems.append(message)

    domain = importer.get_domain()
    domain_responses = set(domain.responses)
    for name in sorted(sent - domain_responses):
        problems.append(f"an action sends the response '{name}', which the domain does not define")

    if problems:
        print(f"data validation failed with {len(problems)} problem(s):", file=sys.stderr)
        for problem in problems:
            print(f"  - {problem}", file=sys.stderr)
        return 1
    print(f"data validation passed ({len(sent)} responses sent by custom actions)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
