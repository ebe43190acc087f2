"""No wasted model calls: typing through a shown suggestion and returning to an earlier text
reuse completions instead of asking the backend again."""

from tests.conftest import double_settings

URI = "file:///work/demo/reuse.py"


def generate_count(double) -> int:
    return len(double.requests_to("/api/generate"))


async def test_typing_through_suggestion_reuses_it(start_netz, ollama_double):
    ollama_double.reply_with("total + 1")
    netz = await start_netz(double_settings(ollama_double))
    netz.open(URI, "total = 41\nresult = \n")
    first = await netz.complete(URI, 1, 9)
    assert first.items[0].insert_text == "total + 1"

    netz.change(URI, 2, (1, 9), (1, 9), "t")
    after_one_key = await netz.complete(URI, 1, 10)
    netz.change(URI, 3, (1, 10), (1, 10), "ot")
    after_three_keys = await netz.complete(URI, 1, 12)

    assert after_one_key.items[0].insert_text == "otal + 1"
    assert after_three_keys.items[0].insert_text == "al + 1"
    assert generate_count(ollama_double) == 1


async def test_deleting_back_reuses_completion(start_netz, ollama_double):
    ollama_double.reply_with("total + 1")
    netz = await start_netz(double_settings(ollama_double))
    netz.open(URI, "total = 41\nresult = \n")
    await netz.complete(URI, 1, 9)
    netz.change(URI, 2, (1, 9), (1, 9), "to")
    await netz.complete(URI, 1, 11)
    netz.change(URI, 3, (1, 9), (1, 11), "")
    back = await netz.complete(URI, 1, 9)

    assert back.items[0].insert_text == "total + 1"
    assert generate_count(ollama_double) == 1


async def test_returning_to_earlier_text_hits_prompt_cache(start_netz, ollama_double):
    ollama_double.responder = lambda request: "42" if "zz" not in request["prompt"] else "99"
    netz = await start_netz(double_settings(ollama_double))
    netz.open(URI, "total = 41\nresult = \n")
    assert (await netz.complete(URI, 1, 9)).items[0].insert_text == "42"
    # Text that does not match the suggestion needs a new generation...
    netz.change(URI, 2, (1, 9), (1, 9), "zz + ")
    assert (await netz.complete(URI, 1, 14)).items[0].insert_text == "99"
    assert generate_count(ollama_double) == 2
    # ...and undoing it returns to a prompt the cache has seen.
    netz.change(URI, 3, (1, 9), (1, 14), "")
    again = await netz.complete(URI, 1, 9)

    assert again.items[0].insert_text == "42"
    assert generate_count(ollama_double) == 2


async def test_other_text_is_not_served_from_cache(start_netz, ollama_double):
    ollama_double.reply_with("1")
    netz = await start_netz(double_settings(ollama_double))
    netz.open(URI, "a = \nb = \n")
    await netz.complete(URI, 0, 4)
    await netz.complete(URI, 1, 4)
    assert generate_count(ollama_double) == 2
