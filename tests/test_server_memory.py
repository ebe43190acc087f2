"""The server keeps nothing per notification: many didChange messages leave no residue."""

from tests.conftest import double_settings

URI = "file:///work/demo/flood.py"


async def test_did_change_leaves_no_futures(start_netz, ollama_double):
    netz = await start_netz(double_settings(ollama_double, debugCommands=True))
    netz.open(URI, "x = 1\n")
    for version in range(2, 602):
        if version % 2 == 0:
            netz.change(URI, version, (0, 5), (0, 5), "2")
        else:
            netz.change(URI, version, (0, 5), (0, 6), "")
    stats = await netz.command("netz.debug.stats")
    text = await netz.command("netz.debug.documentText", URI)

    assert text["text"] == "x = 1\n"
    # Only the request being answered may be tracked, never one entry per notification.
    assert stats["trackedFutures"] <= 2
