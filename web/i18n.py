"""Interface labels in Arabic (the default) and English, and the writing
direction of each language. Article text takes its direction from its own
``lang``; the interface from the chosen UI language."""

from __future__ import annotations

UI_LANGS = ("ar", "en")
DEFAULT_UI = "ar"
RTL_LANGS = frozenset({"ar", "fa", "ur", "he", "ps", "ckb"})

LABELS: dict[str, dict[str, str]] = {
    "app": {"ar": "أرشيف", "en": "arshif"},
    "tagline": {"ar": "البحث في أرشيف الأخبار العربية", "en": "Search Arabic news archives"},
    "search": {"ar": "بحث", "en": "Search"},
    "query": {"ar": "كلمات البحث", "en": "Query"},
    "mode": {"ar": "طريقة البحث", "en": "Mode"},
    "mode_default": {"ar": "تلقائي", "en": "automatic"},
    "mode_bm25": {"ar": "الكلمات (BM25)", "en": "keywords (BM25)"},
    "mode_semantic": {"ar": "المعنى", "en": "meaning"},
    "mode_hybrid": {"ar": "مختلط", "en": "hybrid"},
    "sources": {"ar": "المصادر", "en": "Sources"},
    "langs": {"ar": "اللغات", "en": "Languages"},
    "dates": {"ar": "التاريخ", "en": "Dates"},
    "date_from": {"ar": "من", "en": "From"},
    "date_to": {"ar": "إلى", "en": "To"},
    "apply": {"ar": "تطبيق", "en": "Apply"},
    "clear_dates": {"ar": "كل التواريخ", "en": "All dates"},
    "results": {"ar": "نتيجة", "en": "results"},
    "no_results": {"ar": "لا نتائج", "en": "No results"},
    "similar": {"ar": "مقالات مشابهة", "en": "similar articles"},
    "untitled": {"ar": "بلا عنوان", "en": "Untitled"},
    "previous": {"ar": "السابق", "en": "Previous"},
    "next": {"ar": "التالي", "en": "Next"},
    "page": {"ar": "صفحة", "en": "Page"},
    "save_search": {"ar": "حفظ البحث", "en": "Save this search"},
    "name": {"ar": "الاسم", "en": "Name"},
    "save": {"ar": "حفظ", "en": "Save"},
    "token": {"ar": "رمز الواجهة", "en": "API token"},
    "saved_searches": {"ar": "عمليات البحث المحفوظة", "en": "Saved searches"},
    "none_saved": {"ar": "لا توجد عمليات بحث محفوظة بعد", "en": "No saved searches yet"},
    "new_since": {"ar": "جديد منذ آخر مراجعة", "en": "new since last check"},
    "open": {"ar": "فتح", "en": "Open"},
    "check_new": {"ar": "عرض الجديد", "en": "Show new"},
    "rename": {"ar": "إعادة تسمية", "en": "Rename"},
    "delete": {"ar": "حذف", "en": "Delete"},
    "feed": {"ar": "خلاصة Atom", "en": "Atom feed"},
    "source": {"ar": "المصدر", "en": "Source"},
    "date": {"ar": "التاريخ", "en": "Date"},
    "language": {"ar": "اللغة", "en": "Language"},
    "original": {"ar": "الرابط الأصلي", "en": "Original link"},
    "near_duplicates": {"ar": "نسخ مشابهة", "en": "Near-duplicates"},
    "back": {"ar": "رجوع إلى البحث", "en": "Back to search"},
    "json": {"ar": "JSON", "en": "JSON"},
    "export": {"ar": "تصدير", "en": "Export"},
    "error": {"ar": "خطأ", "en": "Error"},
    "new_only": {"ar": "المقالات الجديدة فقط", "en": "New articles only"},
    "switch": {"ar": "English", "en": "العربية"},
}


def direction(lang: str) -> str:
    return "rtl" if lang.split("-")[0].lower() in RTL_LANGS else "ltr"


def translator(ui: str):
    """``t(key)`` for templates; an unknown key shows itself (easy to spot)."""
    language = ui if ui in UI_LANGS else DEFAULT_UI

    def t(key: str) -> str:
        return LABELS.get(key, {}).get(language, key)

    return t
