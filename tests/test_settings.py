"""Settings: validation, merging and the previous value staying in force."""

from netz_lsp.settings import Settings, merge_settings, normalize_ollama_host


def test_defaults_follow_the_product():
    settings = Settings()
    assert settings.models.completion == "deepseek-coder-v2:16b-lite-base-q4_0"
    assert settings.models.chat == "qwen2.5-coder:32b"
    assert settings.models.question == "mistral"
    assert settings.profile == "auto"


def test_invalid_values_keep_previous():
    previous, errors = merge_settings(Settings(), {"debounceMs": 40})
    assert errors == []
    merged, errors = merge_settings(previous, {"debounceMs": -1, "backend": "openai"})
    assert merged.debounce_ms == 40
    assert merged.backend == "openai"
    assert [error.key for error in errors] == ["debounceMs"]


def test_every_error_names_its_key():
    raw = {
        "netz": {
            "debounceMs": "fast",
            "modelOptions": {"m": {"numCtx": -5, "family": "gpt"}},
            "ollamaHost": "localhost:11434",
            "profile": "turbo",
            "unknownKey": 1,
        }
    }
    merged, errors = merge_settings(Settings(), raw)
    keys = sorted(error.key for error in errors)
    assert keys == ["debounceMs", "modelOptions.m.family", "modelOptions.m.numCtx", "ollamaHost", "profile", "unknownKey"]
    assert merged == Settings(model_options={"m": {}})


def test_non_object_settings_rejected():
    merged, errors = merge_settings(Settings(), ["not", "an", "object"])
    assert merged == Settings()
    assert errors[0].reason == "expected an object of settings"


def test_ollama_host_environment_forms():
    assert normalize_ollama_host("0.0.0.0") == "http://127.0.0.1:11434"
    assert normalize_ollama_host("localhost:9999") == "http://localhost:9999"
    assert normalize_ollama_host("https://gpu.example:443") == "https://gpu.example:443"
    assert normalize_ollama_host("") is None


def test_model_limits_use_overrides():
    settings, _ = merge_settings(Settings(), {"modelOptions": {"qwen2.5-coder:32b": {"numCtx": 4096}}})
    limits = settings.limits_for("qwen2.5-coder:32b")
    assert limits.num_ctx == 4096
    assert limits.num_predict == 256
