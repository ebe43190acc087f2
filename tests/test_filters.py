"""Post-processing filters, with raw outputs seen from Qwen2.5-Coder-0.5B."""

from netz_lsp.postprocess.filters import CursorText, postprocess, stop_at_block_end, strip_special_tokens, trim_suffix_overlap


def test_leaked_fim_token_is_cut():
    cursor = CursorText("    return ", "", "\n")
    assert postprocess("a + b<|fim_pad|><|fim_pad|>", cursor) == "a + b"
    assert strip_special_tokens("x<｜fim▁hole｜>y", cursor) == "x"


def test_model_that_keeps_going_is_stopped_at_suffix():
    # Real output: `return a + b` followed by a repeat of the code after the hole.
    cursor = CursorText("    return ", "", "\n\nprint(add(1, 2))\n")
    assert postprocess("a + b\n\nprint(add(1, 2))\n", cursor) == "a + b"


def test_rest_of_line_is_not_repeated():
    cursor = CursorText("total = compute(", ")", ")\nprint(total)\n")
    assert trim_suffix_overlap("items, 2)", cursor) == "items, 2"


def test_block_end_stops_at_sibling_def():
    cursor = CursorText("def add(a, b):", "", "\n")
    completion = "\n    return a + b\n\ndef sub(a, b):\n    return a - b"
    assert stop_at_block_end(completion, cursor) == "\n    return a + b"


def test_block_end_keeps_closing_brace():
    cursor = CursorText("function f() {", "", "\n")
    completion = "\n  return 1;\n}\nfunction g() {}"
    assert stop_at_block_end(completion, cursor) == "\n  return 1;\n}"


def test_body_line_stops_at_dedent():
    cursor = CursorText("        x = ", "", "\n")
    completion = "1\n        y = 2\n    return x"
    assert stop_at_block_end(completion, cursor) == "1\n        y = 2"


def test_blank_completion_is_dropped():
    assert postprocess("  \n\t", CursorText("x = ", "", "")) == ""


def test_crlf_document_gets_crlf_completion():
    cursor = CursorText("def f():", "\r", "\r\n    pass\r\n")
    assert postprocess("\n    return 1", cursor) == "\r\n    return 1"


def test_prefix_echo_removed():
    # Real output from Qwen2.5-Coder-0.5B for a hole after `    return `.
    cursor = CursorText("        return ", "", "\n")
    assert postprocess("return res", cursor) == "res"


def test_prefix_echo_of_whole_line_removed():
    cursor = CursorText("    x = ", "", "\n")
    assert postprocess("x = compute()", cursor) == "compute()"


def test_similar_start_is_kept():
    cursor = CursorText("    return ", "", "\n")
    assert postprocess("returned_value", cursor) == "returned_value"
