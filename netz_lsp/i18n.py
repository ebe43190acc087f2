"""User-facing messages in Turkish and English, chosen by the client's locale."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "backend_unreachable": {
        "tr": "NETZ: Ollama sunucusuna ulaşılamıyor ({host}). `ollama serve` ile başlatın ya da `netz.ollamaHost` ayarını (veya OLLAMA_HOST değişkenini) düzeltin; `netz-lsp doctor` durumu gösterir.",
        "en": "NETZ: cannot reach the Ollama server at {host}. Start it with `ollama serve` or fix the `netz.ollamaHost` setting (or OLLAMA_HOST); `netz-lsp doctor` shows the state.",
    },
    "backend_unreachable_openai": {
        "tr": "NETZ: OpenAI uyumlu sunucuya ulaşılamıyor ({host}). Sunucuyu (llama.cpp, vLLM, LM Studio) başlatın ya da `netz.openaiBaseUrl` ayarını düzeltin.",
        "en": "NETZ: cannot reach the OpenAI-compatible server at {host}. Start the server (llama.cpp, vLLM, LM Studio) or fix the `netz.openaiBaseUrl` setting.",
    },
    "endpoint_not_found": {
        "tr": "NETZ: {host} adresindeki sunucu {path} için HTTP 404 döndürdü. OpenAI uyumlu adresler genellikle `/v1` ile biter (ör. http://127.0.0.1:8080/v1); `netz.openaiBaseUrl` ayarını kontrol edin.",
        "en": "NETZ: the server at {host} answered HTTP 404 for {path}. OpenAI-compatible base URLs usually end in `/v1` (e.g. http://127.0.0.1:8080/v1); check the `netz.openaiBaseUrl` setting.",
    },
    "model_not_found": {
        "tr": "NETZ: `{model}` modeli yüklü değil. Yüklemek için: `ollama pull {model}`",
        "en": "NETZ: model `{model}` is not installed. Install it with: `ollama pull {model}`",
    },
    "model_not_found_openai": {
        "tr": "NETZ: `{model}` modeli {host} adresindeki sunucuda yok. Sunucunun sunduğu bir modeli `netz.models` ayarına yazın.",
        "en": "NETZ: the server at {host} does not serve model `{model}`. Set `netz.models` to a model it serves.",
    },
    "backend_http_error": {
        "tr": "NETZ: {backend} sunucusu HTTP {status} hatası döndürdü ({model}): {detail}",
        "en": "NETZ: the {backend} server answered HTTP {status} for {model}: {detail}",
    },
    "backend_timeout": {
        "tr": "NETZ: {model} modeli {timeout_s} saniye içinde yanıt vermedi. Model yükleniyor olabilir; `netz.requestTimeoutS` ayarını artırabilirsiniz.",
        "en": "NETZ: model {model} did not answer within {timeout_s} s. It may still be loading; you can raise `netz.requestTimeoutS`.",
    },
    "stream_interrupted": {
        "tr": "NETZ: {backend} sunucusuyla bağlantı yanıt ortasında kesildi ({model}). Bir sonraki istekte yeniden denenecek.",
        "en": "NETZ: the connection to the {backend} server broke in the middle of a reply ({model}). The next request tries again.",
    },
    "malformed_stream": {
        "tr": "NETZ: {backend} sunucusu okunamayan bir yanıt gönderdi ({model}). Sunucu sürümünü kontrol edin.",
        "en": "NETZ: the {backend} server sent a reply that could not be read ({model}). Check the server version.",
    },
    "fim_not_supported": {
        "tr": "NETZ: `{model}` modeli için bilinen bir FIM (ortayı doldurma) şablonu yok. `netz.modelOptions.{model}.family` ayarını deepseek, qwen, codellama, starcoder2 ya da codestral yapın veya FIM destekli bir model seçin.",
        "en": "NETZ: there is no known FIM (fill-in-the-middle) template for model `{model}`. Set `netz.modelOptions.{model}.family` to deepseek, qwen, codellama, starcoder2 or codestral, or choose a FIM-capable model.",
    },
    "invalid_setting": {
        "tr": "NETZ: `netz.{key}` ayarı geçersiz ({value}): {reason}. Önceki değer kullanılmaya devam ediyor.",
        "en": "NETZ: setting `netz.{key}` is invalid ({value}): {reason}. The previous value stays in force.",
    },
    "backend_recovered": {
        "tr": "NETZ: {backend} sunucusuna yeniden bağlanıldı.",
        "en": "NETZ: connected to the {backend} server again.",
    },
    "remote_host": {
        "tr": "NETZ: yerel olmayan bir sunucu kullanılıyor: {host}. Kaynak kodunuz bu adrese gönderilecek.",
        "en": "NETZ: using a non-local server: {host}. Your source code will be sent to this address.",
    },
    "action_explain": {"tr": "NETZ: Açıkla", "en": "NETZ: Explain"},
    "action_refactor": {"tr": "NETZ: Yeniden düzenle", "en": "NETZ: Refactor"},
    "action_debug": {"tr": "NETZ: Hata ayıkla", "en": "NETZ: Debug"},
    "action_docstring": {"tr": "NETZ: Türkçe belge yorumu yaz", "en": "NETZ: Write a Turkish doc comment"},
    "action_inline_question": {"tr": "NETZ: Soruyu yanıtla", "en": "NETZ: Answer the question"},
    "progress_explain": {"tr": "NETZ açıklıyor", "en": "NETZ is explaining"},
    "progress_refactor": {"tr": "NETZ yeniden düzenliyor", "en": "NETZ is refactoring"},
    "progress_debug": {"tr": "NETZ hatayı inceliyor", "en": "NETZ is debugging"},
    "progress_docstring": {"tr": "NETZ belge yorumu yazıyor", "en": "NETZ is writing a doc comment"},
    "progress_question": {"tr": "NETZ soruyu yanıtlıyor", "en": "NETZ is answering the question"},
    "progress_ask": {"tr": "NETZ yanıtlıyor", "en": "NETZ is answering"},
    "progress_preload": {"tr": "NETZ modelleri yüklüyor", "en": "NETZ is loading models"},
    "progress_model": {"tr": "{model} yükleniyor", "en": "loading {model}"},
    "edit_rejected_syntax": {
        "tr": "NETZ: {model} modelinin önerisi uygulanmadı, çünkü dosyada {before} yerine {after} sözdizimi hatası bırakırdı. Belge değişmedi; yeniden deneyin ya da daha küçük bir bölüm seçin.",
        "en": "NETZ: the suggestion from {model} was not applied because it would leave {after} syntax errors in the file instead of {before}. The document is unchanged; try again or select a smaller part.",
    },
    "edit_rejected_indentation": {
        "tr": "NETZ: {model} modelinin önerisi uygulanmadı, çünkü seçilen bölümün girintisini ({indentation}) korumuyor. Belge değişmedi.",
        "en": "NETZ: the suggestion from {model} was not applied because it does not keep the indentation of the selected range ({indentation}). The document is unchanged.",
    },
    "edit_rejected_empty": {
        "tr": "NETZ: {model} modeli kod önermedi. Belge değişmedi.",
        "en": "NETZ: model {model} proposed no code. The document is unchanged.",
    },
    "edit_unchanged": {
        "tr": "NETZ: {model} modeli bir değişiklik önermedi. Belge değişmedi.",
        "en": "NETZ: model {model} proposed no change. The document is unchanged.",
    },
    "document_changed": {
        "tr": "NETZ: belge, eylem listelendikten sonra değişti (sürüm {listed} → {current}). Eylemi yeniden seçin.",
        "en": "NETZ: the document changed after the action was listed (version {listed} → {current}). Choose the action again.",
    },
    "document_not_open": {
        "tr": "NETZ: belge açık değil: {uri}",
        "en": "NETZ: the document is not open: {uri}",
    },
    "document_private": {
        "tr": "NETZ: bu dosya `netz.exclude` ayarı ya da gizlilik kuralı nedeniyle modele gönderilmiyor: {uri}",
        "en": "NETZ: this file is never sent to a model because of the `netz.exclude` setting or a privacy rule: {uri}",
    },
    "invalid_profile": {
        "tr": "NETZ: `{profile}` geçerli bir profil değil. Geçerli profiller: {profiles}.",
        "en": "NETZ: `{profile}` is not a valid profile. Valid profiles: {profiles}.",
    },
    "invalid_ask_arguments": {
        "tr": "NETZ: netz.ask için {{\"question\": metin}} biçiminde bir nesne gerekiyor; gelen: {value}",
        "en": "NETZ: netz.ask expects one object {{\"question\": text}}; got: {value}",
    },
    "answer_cancelled": {
        "tr": "NETZ: yanıt iptal edildi.",
        "en": "NETZ: the answer was cancelled.",
    },
    "reason_action": {
        "tr": "kod eylemi: sohbet modeli ({model})",
        "en": "code action: chat model ({model})",
    },
    "reason_profile": {
        "tr": "`{profile}` profili: {model}",
        "en": "profile `{profile}`: {model}",
    },
    "reason_auto_code": {
        "tr": "otomatik: kodla ilgili soru, kod modeli ({model})",
        "en": "auto: question about code, code model ({model})",
    },
    "reason_auto_general": {
        "tr": "otomatik: genel ya da belgeleme sorusu, soru modeli ({model})",
        "en": "auto: general or documentation question, question model ({model})",
    },
    "explanation_heading": {"tr": "Açıklama", "en": "Explanation"},
}


def is_turkish(locale: str | None) -> bool:
    """Return True for Turkish locales (`tr`, `tr-TR`, `tr_TR.UTF-8`)."""
    return bool(locale) and locale.lower().startswith("tr")


def message(message_key: str, locale: str | None, **values: object) -> str:
    """Format message `message_key` in Turkish or English; values missing from the call render as `?`."""
    texts = MESSAGES[message_key]
    template = texts["tr"] if is_turkish(locale) else texts["en"]
    return template.format_map(_Defaulting(values))


class _Defaulting(dict):
    def __missing__(self, key: str) -> str:
        return "?"
