"""The training data and the held-out split keep the promises the README makes about them."""
from collections import Counter

from nlu.training_data import CATEGORY_NAMES, CORE_INTENTS, TEST_FILE, TRAIN_FILE, category_terms, load


def test_enough_examples_per_core_intent():
    train, test = Counter(e.intent for e in load(TRAIN_FILE).examples), Counter(e.intent for e in load(TEST_FILE).examples)
    for intent in CORE_INTENTS:
        assert train[intent] >= 80, intent
        assert test[intent] >= 30, intent


def test_the_test_split_never_appears_in_training():
    # One-word answers (你好, 对, 取消报修) are the same everywhere; real messages must not repeat.
    normalise = lambda t: "".join(t.split())
    train = {normalise(e.text) for e in load(TRAIN_FILE).examples}
    repeated = [e.text for e in load(TEST_FILE).examples if normalise(e.text) in train]
    assert [t for t in repeated if len(t) > 6] == []
    assert not [e.text for e in load(TEST_FILE).examples if e.intent in CORE_INTENTS and normalise(e.text) in train]


def test_category_lookup_table_matches_the_synonyms():
    data = load(TRAIN_FILE)
    assert set(data.lookups["category"]) == set(category_terms(data))
    assert set(category_terms(data).values()) <= CATEGORY_NAMES


def test_annotations_use_known_entities_and_repairs_carry_urgency():
    for path in (TRAIN_FILE, TEST_FILE):
        for example in load(path).examples:
            assert {e.entity for e in example.entities} <= {"building", "unit", "room", "phone", "category"}
            if example.intent == "repair":
                assert example.urgent is not None, example.text
