"""The rules file: editable data, refused with one line when it cannot be used."""
from __future__ import annotations

import pytest

from handlers.etiquette import DEFAULT_RULES, EtiquetteFilter, EtiquetteRulesError

from .support import write_rules


def _set(mapping, key, value):
    mapping[key] = value


BAD_RULES = {
    "unknown category in a rule": (lambda d: _set(d["rules"][0], "category", "grumpy"),
                                   "rules[1]: unknown category 'grumpy'"),
    "unknown category": (lambda d: _set(d["categories"], "grumpy", {"suggestion": "您好"}),
                         "categories.grumpy: unknown category"),
    "missing suggestion": (lambda d: d["categories"]["curt"].pop("suggestion"), "categories.curt: missing suggestion"),
    "missing category": (lambda d: d["categories"].pop("delaying"), "categories.delaying: missing"),
    "invalid regex": (lambda d: d["contexts"]["promise"]["anywhere"].append({"regex": "([unclosed"}),
                      "contexts.promise.anywhere entry"),
    "empty phrase": (lambda d: d["rules"][0]["phrases"].append("  "), "rules[1] (refusing).phrases entry"),
    "only a gap": (lambda d: d["rules"][0]["phrases"].append("…"), "is empty"),
    "unclosed group": (lambda d: d["rules"][0]["phrases"].append("(我们|物业"), "has an unclosed ("),
    "unknown context": (lambda d: _set(d["rules"][0], "allowed_when", ["politely"]), "unknown context 'politely'"),
    "misspelt key": (lambda d: _set(d["rules"][0], "allowd_when", []), "unknown key 'allowd_when'"),
    "banned suggestion": (lambda d: _set(d["categories"]["curt"], "suggestion", "喂，什么事？{facts}"),
                          "categories.curt.suggestion is itself banned"),
    "bad placeholder": (lambda d: _set(d["categories"]["curt"], "suggestion", "您好{ticket}"),
                        "categories.curt.suggestion: only {facts}"),
    "bad where": (lambda d: _set(d["rules"][0], "where", "everywhere"), "where: 'everywhere'"),
    "unknown word list": (lambda d: d["rules"][0]["phrases"].append("找{外星人}去"),
                          "uses an unknown word list {外星人}"),
    "unknown word list in a regex": (lambda d: d["rules"][0]["phrases"].append({"regex": "找{外星人}"}),
                                     "uses an unknown word list {外星人}"),
    "empty word list": (lambda d: _set(d["words"], "空的", []), "words.空的: must be a list of words"),
    "word list inside a word list": (lambda d: _set(d["words"], "套娃", ["{别的单位}"]),
                                     "words.套娃: a word list cannot refer to another list"),
}


@pytest.mark.parametrize("kind", BAD_RULES)
def test_a_bad_rules_file_is_refused_with_one_line(tmp_path, kind):
    change, expected = BAD_RULES[kind]
    path = write_rules(tmp_path, change)
    with pytest.raises(EtiquetteRulesError) as caught:
        EtiquetteFilter.load(path)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: ")
    assert expected in message


def test_yaml_errors_and_missing_files_are_refused_with_one_line(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text("categories:\n  curt: [oops\nrules:\n", encoding="utf-8")
    with pytest.raises(EtiquetteRulesError, match=r"broken\.yml: not valid YAML at line \d+"):
        EtiquetteFilter.load(broken)
    with pytest.raises(EtiquetteRulesError, match=r"nowhere\.yml: cannot read the rules file"):
        EtiquetteFilter.load(tmp_path / "nowhere.yml")
    for error in (EtiquetteRulesError,):
        assert issubclass(error, Exception)


def test_the_rules_file_is_editable_data(tmp_path):
    """A phrase added by the property company is matched in every spelling."""
    path = write_rules(tmp_path, lambda d: d["rules"][0]["phrases"].append("爱搭不理"))
    etiquette = EtiquetteFilter.load(path)
    assert etiquette.check("爱 搭 不 理").violations[0].category == "refusing"
    assert DEFAULT_RULES.read_text(encoding="utf-8").startswith("#")


def test_a_word_added_to_a_word_list_counts_in_every_phrase_using_it(tmp_path):
    """words: one list ({别的单位}) serves many phrases; adding 物业协会 makes all of them know it."""
    rules_alone = EtiquetteFilter.load(examples=())  # the learned model would catch these anyway
    texts = ("这事您得找物业协会", "你问物业协会吧")
    assert all(rules_alone.check(text).allowed for text in texts)
    path = write_rules(tmp_path, lambda d: d["words"]["别的单位"].append("物业协会"))
    edited = EtiquetteFilter.load(path, examples=())
    for text in texts:
        assert edited.check(text).violations[0].category == "deflecting", text
    assert edited.check("我们已经帮您联系物业协会了，明天上午答复您").allowed


def test_a_word_list_in_a_hand_written_regex(tmp_path):
    def change(d):
        d["words"]["小区设施"] = ["健身房", "泳池"]
        d["rules"][0]["phrases"].append({"regex": "{小区设施}[^\\x1f]{0,4}关门了"})
    edited = EtiquetteFilter.load(write_rules(tmp_path, change))
    assert edited.check("泳池早就关门了").violations[0].category == "refusing"
    assert edited.check("健 身 房关门了").allowed is False
