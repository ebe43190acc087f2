"""User-facing messages in Turkish and English, chosen by the client's locale."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "backend_unreachable": {
        "tr": "NETZ: {backend} sunucusuna ulaşılamıyor ({host}). Sunucuyu başlatın (Ollama için `ollama serve`) ya da `netz.{host_key}` ayarını düzeltin; `netz-lsp doctor` durumu gösterir.",
        "en": "NETZ: cannot reach the {backend} server at {host}. Start it (for Ollama: `ollama serve`) or fix the `netz.{host_key}` setting; `netz-lsp doctor` shows the state.",
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
