"""Chat prompts for code actions and questions, in Turkish or English.

Turkish prompts ask for natural Turkish prose and forbid translating code, identifiers,
file paths and error messages, because a model asked in Turkish tends to translate names.
Every prompt puts code in a fenced block tagged with the language.
"""

from __future__ import annotations

from dataclasses import dataclass

from netz_lsp.backend.base import ChatMessage
from netz_lsp.context.tokens import TokenEstimator

SYSTEM = {
    "tr": (
        "Sen NETZ'sin: kullanıcının kendi bilgisayarında çalışan bir yazılım geliştirme asistanı. "
        "Yanıtlarını doğal, akıcı ve doğru bir Türkçeyle yaz. Kodu, tanımlayıcıları (değişken, "
        "fonksiyon, sınıf ve modül adlarını), dosya yollarını, komutları ve hata mesajlarını "
        "olduğu gibi bırak; bunları asla çevirme. Kısa ve net ol."
    ),
    "en": (
        "You are NETZ, a coding assistant that runs on the user's own machine. Answer in clear, "
        "correct English. Keep code, identifiers, file paths, commands and error messages exactly "
        "as they are. Be brief and precise."
    ),
}


@dataclass(frozen=True)
class CodeExcerpt:
    """The code a prompt is about, the file it comes from and its language id."""

    code: str
    path: str = ""
    language_id: str = ""
    context: str = ""


@dataclass(frozen=True)
class DiagnosticNote:
    """One diagnostic from the client, as the prompt shows it; `line` is 1-based."""

    message: str
    line: int
    source: str = ""
    code: str = ""


def fenced(code: str, language_id: str) -> str:
    fence = "````" if "```" in code else "```"
    return f"{fence}{language_id}\n{code.rstrip()}\n{fence}"


def fit_to_budget(text: str, token_budget: int, estimator: TokenEstimator) -> str:
    """Cut `text` at a line end so that its estimated size fits `token_budget` tokens."""
    if estimator.count(text) <= token_budget:
        return text
    max_chars = max(estimator.max_chars(token_budget), 0)
    cut = text[:max_chars]
    newline = cut.rfind("\n")
    return cut[: newline + 1] if newline > 0 else cut


def _excerpt_block(excerpt: CodeExcerpt, turkish: bool) -> str:
    parts = []
    if excerpt.path:
        parts.append(("Dosya: " if turkish else "File: ") + excerpt.path)
    if excerpt.context:
        label = "Çevresindeki kod (yalnızca bağlam için):" if turkish else "Surrounding code (context only):"
        parts.append(label + "\n" + fenced(excerpt.context, excerpt.language_id))
    label = "Kod:" if turkish else "Code:"
    parts.append(label + "\n" + fenced(excerpt.code, excerpt.language_id))
    return "\n\n".join(parts)


def _messages(language: str, user_text: str) -> tuple[ChatMessage, ...]:
    return (ChatMessage("system", SYSTEM[language]), ChatMessage("user", user_text))


def explain_messages(excerpt: CodeExcerpt, language: str) -> tuple[ChatMessage, ...]:
    turkish = language == "tr"
    task = (
        "Aşağıdaki kodun ne yaptığını Markdown biçiminde açıkla: amacı, önemli adımları, "
        "girdileri ve çıktıları, varsa dikkat edilmesi gereken durumlar."
        if turkish
        else "Explain in Markdown what the code below does: its purpose, the main steps, "
        "inputs and outputs, and any pitfalls."
    )
    return _messages(language, task + "\n\n" + _excerpt_block(excerpt, turkish))


def refactor_messages(excerpt: CodeExcerpt, language: str) -> tuple[ChatMessage, ...]:
    turkish = language == "tr"
    task = (
        "Aşağıdaki kodu davranışını değiştirmeden daha okunur ve sade olacak biçimde yeniden düzenle. "
        "Adları ve dışarıdan görünen arayüzü koru. Yalnızca yeni kodu tek bir ``` kod bloğunda döndür, "
        "açıklama yazma. Kod bloğu, verilen kodun tamamının yerine geçecek."
        if turkish
        else "Refactor the code below to be clearer and simpler without changing its behaviour. "
        "Keep the names and the public interface. Return only the new code in one ``` code block, "
        "with no explanation. The block replaces the whole code shown."
    )
    return _messages(language, task + "\n\n" + _excerpt_block(excerpt, turkish))


def debug_messages(excerpt: CodeExcerpt, diagnostics: list[DiagnosticNote], language: str) -> tuple[ChatMessage, ...]:
    turkish = language == "tr"
    if diagnostics:
        header = "Editörün bildirdiği sorunlar:" if turkish else "Problems reported by the editor:"
        lines = []
        for note in diagnostics:
            origin = " ".join(part for part in (note.source, f"[{note.code}]" if note.code else "") if part)
            line_word = "satır" if turkish else "line"
            lines.append(f"- {line_word} {note.line}: {note.message}" + (f" ({origin})" if origin else ""))
        problems = header + "\n" + "\n".join(lines)
    else:
        problems = (
            "Editör bir sorun bildirmedi; koddaki olası hataları bul."
            if turkish
            else "The editor reported no problem; find the likely bugs in the code."
        )
    task = (
        "Önce sorunun nedenini birkaç cümleyle açıkla. Sonra düzeltilmiş kodu tek bir ``` kod bloğunda ver; "
        "bu blok, verilen kodun tamamının yerine geçecek."
        if turkish
        else "First explain the cause in a few sentences. Then give the fixed code in one ``` code block; "
        "the block replaces the whole code shown."
    )
    return _messages(language, problems + "\n\n" + task + "\n\n" + _excerpt_block(excerpt, turkish))


def ask_messages(question: str, excerpt: CodeExcerpt | None, language: str) -> tuple[ChatMessage, ...]:
    turkish = language == "tr"
    instruction = "Soruyu Türkçe yanıtla." if turkish else "Answer the question in English."
    text = ("Soru: " if turkish else "Question: ") + question.strip() + "\n\n" + instruction
    if excerpt is not None and excerpt.code.strip():
        text += "\n\n" + _excerpt_block(excerpt, turkish)
    return _messages(language, text)


def inline_question_messages(question: str, excerpt: CodeExcerpt | None, language: str) -> tuple[ChatMessage, ...]:
    turkish = language == "tr"
    instruction = (
        "Soruyu Türkçe ve kısa yanıtla: en fazla 8 satır düz metin, başlık ve kod bloğu kullanma. "
        "Yanıt koda yorum olarak eklenecek."
        if turkish
        else "Answer the question briefly in English: at most 8 lines of plain text, no headings and no "
        "code blocks. The answer is inserted into the code as a comment."
    )
    text = ("Soru: " if turkish else "Question: ") + question.strip() + "\n\n" + instruction
    if excerpt is not None and excerpt.code.strip():
        text += "\n\n" + _excerpt_block(excerpt, turkish)
    return _messages(language, text)


DOC_FORMAT_HINTS = {
    "python": "Google biçiminde bir Python docstring metni: özet satırı, gerekirse `Args:`, `Returns:` ve `Raises:` bölümleri",
    "javascript": "JSDoc metni: özet, her parametre için `@param {Tür} ad açıklama`, gerekirse `@returns {Tür} açıklama`",
    "typescript": "TSDoc metni: özet, her parametre için `@param ad - açıklama`, gerekirse `@returns açıklama`",
    "java": "Javadoc metni: özet, her parametre için `@param ad açıklama`, gerekirse `@return açıklama` ve `@throws`",
    "go": "Go belge yorumu metni: ilk cümle tanımlanan adla başlar",
    "rust": "Rust belge yorumu metni: özet cümlesi, gerekirse `# Errors` ve `# Panics` bölümleri",
    "c": "Doxygen metni: özet, `@param ad açıklama`, gerekirse `@return açıklama`",
}


def docstring_messages(excerpt: CodeExcerpt, format_language: str) -> tuple[ChatMessage, ...]:
    """Ask for the text of a Turkish doc comment; NETZ adds the comment markers itself."""
    hint = DOC_FORMAT_HINTS.get(format_language, "kısa bir belge yorumu metni")
    task = (
        f"Aşağıdaki tanım için Türkçe bir belge yorumu yaz ({hint}). Bölüm başlıklarını ve etiketleri "
        "(`Args:`, `@param` gibi) olduğu gibi bırak, açıklamaları Türkçe yaz. Parametre ve fonksiyon adlarını "
        "değiştirme. Yalnızca yorumun metnini döndür: yorum işaretleri (`#`, `//`, `/**`, `///`), tırnaklar, "
        "kod bloğu ve kodun kendisi olmasın."
    )
    return _messages("tr", task + "\n\n" + _excerpt_block(excerpt, True))
