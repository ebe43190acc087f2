"""Terminal and report texts of `netz-lsp bench` in Turkish and English."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    # key: (Turkish, English)
    "title": ("NETZ AI model ölçümü", "NETZ AI model benchmark"),
    "backend": ("Sunucu", "Backend"),
    "machine": ("Makine", "Machine"),
    "machine_line": ("{cores} çekirdek, {cpu}, {ram_gib} GiB bellek, {os}", "{cores} cores, {cpu}, {ram_gib} GiB RAM, {os}"),
    "settings_line": (
        "{runs} ölçüm (ısınma isteği hariç), tamamlama en çok {completion_tokens} token, sohbet en çok {chat_tokens} token, uzun istem yaklaşık {long_tokens} token",
        "{runs} runs after one warm-up request, completions up to {completion_tokens} tokens, chat up to {chat_tokens} tokens, long prompt about {long_tokens} tokens",
    ),
    "model_num_predict": ("modelin numPredict değeri kadar", "the model's numPredict"),
    "status": ("Durum", "Status"),
    "status_running": ("sürüyor", "running"),
    "status_complete": ("tamamlandı", "complete"),
    "status_interrupted": ("yarıda kesildi; rapor o ana kadarki ölçümleri içeriyor", "interrupted; the report holds the measurements made until then"),
    "status_failed": ("başarısız: {error}", "failed: {error}"),
    "col_model": ("Model", "Model"),
    "col_ttft_completion": ("İlk token, tamamlama (ms)", "TTFT completion (ms)"),
    "col_tps_completion": ("token/s, tamamlama", "tokens/s completion"),
    "col_ttft_chat": ("İlk token, sohbet (ms)", "TTFT chat (ms)"),
    "col_tps_chat": ("token/s, sohbet", "tokens/s chat"),
    "col_prompt_tps": ("İstem token/s", "prompt tokens/s"),
    "col_fim": ("FIM tam / benzerlik", "FIM exact / similarity"),
    "col_turkish": ("Türkçe", "Turkish"),
    "col_memory": ("Bellek", "Memory"),
    "col_overhead": ("NETZ / ham", "NETZ / raw"),
    "not_applicable": ("yok", "n/a"),
    "failed_cell": ("hata", "error"),
    "progress_warmup": ("ısınma", "warm-up"),
    "progress_completion": ("tamamlama hızı", "completion speed"),
    "progress_chat": ("sohbet hızı", "chat speed"),
    "progress_long": ("uzun istem", "long prompt"),
    "progress_fim": ("FIM doğruluğu", "FIM accuracy"),
    "progress_turkish": ("Türkçe soruları", "Turkish questions"),
    "progress_compare": ("NETZ ve ham motor", "NETZ vs raw engine"),
    "progress_memory": ("bellek", "memory"),
    "written": ("Rapor yazıldı: {paths}", "Report written: {paths}"),
    "chart_failed": ("Grafik yazılamadı: {error}", "Could not write the chart: {error}"),
    "interrupted": (
        "Ölçüm yarıda kesildi (Ctrl+C). O ana kadarki sonuçlar raporda: {path}",
        "Benchmark interrupted (Ctrl+C). The results so far are in the report: {path}",
    ),
    "partial_kept": ("O ana kadarki sonuçlar raporda: {path}", "The results so far are in the report: {path}"),
    "models_missing_ollama": (
        "Şu modeller yüklü değil: {models}. Yükleyin (`ollama pull MODEL`) ya da `--models` ile yüklü modelleri seçin. Yüklü olanlar: {installed}",
        "These models are not installed: {models}. Install them (`ollama pull MODEL`) or choose installed ones with `--models`. Installed: {installed}",
    ),
    "models_missing_openai": (
        "Sunucu şu modelleri sunmuyor: {models}. `--models` ile sunulanlardan birini seçin: {installed}",
        "The server does not serve these models: {models}. Choose served ones with `--models`: {installed}",
    ),
    "model_failed": ("{model} ölçülemedi: {error}", "{model} could not be measured: {error}"),
    "no_models": ("Ölçülecek model yok: `--models` boş.", "No models to measure: `--models` is empty."),
    "invalid_option": ("{option} geçersiz ({value}): {reason}", "{option} is invalid ({value}): {reason}"),
    "output_not_writable": ("Rapor klasörü yazılamıyor: {path} ({error})", "Cannot write the report folder {path}: {error}"),
    "fim_family_unknown": (
        "FIM ailesi bilinmiyor; `netz.modelOptions.{model}.family` ayarlanmadıkça FIM ölçülmez",
        "unknown FIM family; FIM is not measured unless `netz.modelOptions.{model}.family` is set",
    ),
    # Markdown report
    "md_summary": ("Özet", "Summary"),
    "md_details": ("Ayrıntılar", "Details"),
    "md_how": ("Nasıl ölçüldü", "How it was measured"),
    "md_how_text": (
        "- İlk token süresi (TTFT) ve uçtan uca süre istemcide `time.perf_counter` ile ölçülür; ağ gidiş-dönüşünü de içerir.\n"
        "- token/s ve istem token/s, sunucu bildiriyorsa sunucunun istatistiklerinden gelir (Ollama: `eval_count / eval_duration`, `prompt_eval_count / prompt_eval_duration`). OpenAI uyumlu sunucular yalnızca token sayılarını (`usage`) bildirir; süreler istemcide ölçülür ve tabloda `*` ile işaretlenir.\n"
        "- Her ölçümün istemi farklı bir satırla başlar, böylece sunucunun istem önbelleği önceki ölçümleri yeniden kullanamaz.\n"
        "- Değerler medyandır; parantez içinde en küçük–en büyük.\n"
        "- FIM: paketle gelen, CPython standart kitaplığından kesilmiş satır sonu boşlukları NETZ'in tamamlama hattından (bağlam, şablon, son işlem) geçer; yanıtın ilk satırı beklenen metinle karşılaştırılır.\n"
        "- Türkçe: Türkçe sorulara verilen yanıtlardan kaçının Türkçe olduğu (Türkçeye özgü harfler ve sözcükler) ve kaçının tüm anahtar terimleri içerdiği.",
        "- Time to first token (TTFT) and end-to-end time are measured on the client with `time.perf_counter` and include the network round trip.\n"
        "- tokens/s and prompt tokens/s come from the server's own statistics where it reports them (Ollama: `eval_count / eval_duration`, `prompt_eval_count / prompt_eval_duration`). OpenAI-compatible servers report token counts (`usage`) but no durations; there the times are measured on the client, marked `*` in the table.\n"
        "- Every run's prompt starts with a different line, so the server's prompt cache cannot reuse an earlier run.\n"
        "- Values are medians, with min–max in brackets.\n"
        "- FIM: bundled line-remainder holes cut from CPython's standard library go through NETZ's completion pipeline (context, template, post-processing); the first line of the answer is compared with the removed text.\n"
        "- Turkish: how many answers to Turkish questions are in Turkish (Turkish-only letters and words) and how many contain all key terms.",
    ),
    "md_client_side": ("`*` istemcide ölçüldü", "`*` measured on the client"),
    "md_chart": ("Grafik", "Chart"),
    "md_roles": ("Roller", "Roles"),
    "md_family": ("Aile", "Family"),
    "md_load": ("Yükleme (ısınma isteğinde)", "Load time (in the warm-up request)"),
    "md_completion": ("Tamamlama boyutunda istekler", "Completion-sized requests"),
    "md_chat": ("Sohbet boyutunda istekler", "Chat-sized requests"),
    "md_long": ("Uzun istem", "Long prompt"),
    "md_fim": ("FIM doğruluğu", "FIM accuracy"),
    "md_turkish": ("Türkçe denetimi", "Turkish check"),
    "md_memory": ("Bellek", "Memory"),
    "md_compare": ("NETZ ve ham motor", "NETZ vs raw engine"),
    "md_ttft": ("ilk token", "TTFT"),
    "md_tokens": ("üretilen token", "generated tokens"),
    "md_prompt_tokens": ("istem tokenı", "prompt tokens"),
    "md_fim_line": (
        "{holes} boşluk: tam eşleşme {exact:.0%}, ortalama düzenleme benzerliği {similarity:.2f}",
        "{holes} holes: exact match {exact:.0%}, mean edit similarity {similarity:.2f}",
    ),
    "md_turkish_line": (
        "{questions} soru: {in_turkish} yanıt Türkçe, {terms} yanıt tüm anahtar terimleri içeriyor, {passed} ikisini birden sağlıyor",
        "{questions} questions: {in_turkish} answers in Turkish, {terms} contain all key terms, {passed} do both",
    ),
    "md_memory_line": ("{size} (GPU belleğinde {vram})", "{size} ({vram} in GPU memory)"),
    "md_memory_na": (
        "yok: OpenAI uyumlu sunucular bellek kullanımını bildirmiyor",
        "n/a: OpenAI-compatible servers do not report memory use",
    ),
    "md_compare_line": (
        "{pairs} çift, sırayla: NETZ uçtan uca {netz} ms, ham {raw} ms, oran {ratio:.2f} (hedef ≤ 1,10); NETZ'in istem hazırlığı {prepare} ms",
        "{pairs} pairs, alternating: NETZ end-to-end {netz} ms, raw {raw} ms, ratio {ratio:.2f} (target ≤ 1.10); NETZ prompt preparation {prepare} ms",
    ),
    "md_compare_note": (
        "NETZ, blok bittiğinde akışı erken kapatır; bu yüzden oran 1'in altına düşebilir. Her iki taraf aynı şablonla ve aynı seçeneklerle, önbelleğe takılmasın diye farklı bir ilk satırla gönderilir.",
        "NETZ closes the stream early once the block is complete, so the ratio can fall below 1. Both sides send the same template with the same options, each with a different first line so that neither hits the other's prompt cache.",
    ),
    "chart_ttft": ("İlk token süresi (ms)", "Time to first token (ms)"),
    "chart_rate": ("Üretim hızı (token/s)", "Generation speed (tokens/s)"),
    "chart_completion": ("tamamlama istekleri", "completion requests"),
    "chart_chat": ("sohbet istekleri", "chat requests"),
    "chart_cores": ("{cores} çekirdek", "{cores} cores"),
    "md_skipped": ("ölçülmedi", "not measured"),
}


def text(key: str, turkish: bool, **values: object) -> str:
    """Return the Turkish or English text of `key`, formatted with `values`."""
    turkish_text, english_text = TEXTS[key]
    template = turkish_text if turkish else english_text
    return template.format(**values) if values else template
