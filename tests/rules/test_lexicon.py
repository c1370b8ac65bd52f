import pytest

from rules.lexicon import LexiconError, Lexicons, available_languages, fold, load_lexicon


def test_english_and_french_lexicons_exist() -> None:
    assert {"en", "fr"} <= set(available_languages())


def test_matching_ignores_case_and_accents_but_respects_words() -> None:
    fr = load_lexicon("fr")
    assert fr.matches("privacy", "POLITIQUE DE CONFIDENTIALITE") == "confidentialité"
    assert fold("Déclaration") == "declaration"
    en = load_lexicon("en")
    assert en.matches("contact", "Contact us") is not None
    assert en.matches("contact", "Contactless payments") is None  # a word, not a prefix


def test_page_language_is_tried_first_then_the_others() -> None:
    lexicons = Lexicons.load(["en", "fr"])
    assert lexicons.matches("sitemap", "Plan du site", "en") == "plan du site"
    assert lexicons.matches("sitemap", "Opening hours", "fr") is None


def test_unknown_language_is_a_clear_error() -> None:
    with pytest.raises(LexiconError, match="xx"):
        load_lexicon("xx")


def test_chinese_matches_in_either_script() -> None:
    """zh-TW pages write 常見問題 where the lexicon may say 常见问题: both fold to Simplified."""
    from rules.lexicon import Lexicons, fold

    assert fold("常見問題") == fold("常见问题")
    assert Lexicons.load(["zh"]).matches("help", "本站常見問題") is not None


def test_invisible_break_hints_do_not_split_words() -> None:
    """A soft hyphen inside a German compound and word joiners between Chinese characters are
    typesetting: the words still match, and a text of nothing but such hints folds to nothing."""
    de = load_lexicon("de")
    assert fold("Daten\u00adschutz\u00aderklärung") == fold("Datenschutzerklärung")
    assert de.matches("privacy", "Daten\u00adschutz\u00aderklärung") is not None
    zh = Lexicons.load(["zh"])
    assert zh.matches("help", "常\u2060見\u2060問\u2060題") is not None
    assert fold("\u200b\ufeff") == ""


def test_a_latin_word_in_chinese_text_is_still_a_whole_word() -> None:
    """Chinese is matched without word boundaries, but a Latin term within it is a word: "app" names an
    app in "下载APP", never the letters inside "apply"; Chinese terms still match inside a title."""
    zh = load_lexicon("zh")
    assert zh.matches("mobile_app", "政务服务手机APP下载") == "手机app"
    assert zh.matches("mobile_app", "手机apply指南") is None
    assert zh.matches("emerging_tech", "臺灣的人工智慧行動計畫") == "人工智慧"
    assert zh.matches("emerging_tech", "讓無人機與信任齊飛") == "无人机"


def test_a_latin_term_of_the_chinese_lexicon_speaks_only_in_chinese_text() -> None:
    """Taiwan and the mainland write "AI" inside Chinese sentences; in English text the Chinese lexicon's "ai"
    must not match, where "AI/AN" is American Indian/Alaska Native. A term with Chinese characters of its own
    ("手机APP") is unaffected."""
    zh = load_lexicon("zh")
    assert zh.matches("emerging_tech", "以 AI 治 AI") == "ai"
    assert zh.matches("emerging_tech", "生成式AI應用指引") == "ai"
    assert zh.matches("emerging_tech", "「AI」與治理") == "ai"
    assert zh.matches("emerging_tech", "AI/AN immunization rates") is None
    assert Lexicons.load(["en", "zh"]).matches("emerging_tech", "Native Hawaiian and AI/AN children", "en") is None
    assert zh.matches("mobile_app", "政务服务手机APP下载") == "手机app"


def test_chinese_consultation_outcomes_as_agencies_publish_them() -> None:
    zh = load_lexicon("zh")
    assert zh.matches("consultation_outcomes", "協作會議有共識，寵物友善應兼顧野生動物權益") == "有共识"
    assert zh.matches("consultation_outcomes", "提議之機關回應") == "机关回应"
    assert zh.matches("consultation_outcomes", "會議結論與後續辦理") == "会议结论"
